export * from './errors';
export * from './auth-directive';
export * from './scalars';
export * from './money';
export * from './connections';
export * from './service-client';
export * from './batch-loader';
export { isTransientDatabaseError } from './transient';
export { isInvalidTextDatabaseError } from './invalid-text';
export * from './tracing';
export {
  createSubgraph,
  formatError,
  type CreateSubgraphOptions,
  type RunningSubgraph,
} from './server';
export * from './definition';
export { prepareSubgraphDatabase } from './migrations';
export { startSubgraph } from './start';
export { runSubgraph, type StandaloneRun } from './run';
export { kafkaBrokers, listenHost, pgliteDir, registryPort, subgraphUrl } from './standalone-env';
