export * from './databases';
export * from './kafka-mock';
export * from './client';
export * from './ports';
export * from './private-postgres';
export * from './private-redis';
export * from './query-count';
export * from './query-labels';
