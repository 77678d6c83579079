export {
  startGateway,
  type GatewayOptions,
  type GatewayContext,
  type RunningGateway,
} from './gateway';
export { startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from './embedded';
