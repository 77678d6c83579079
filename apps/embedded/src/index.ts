export { startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from './embedded';
