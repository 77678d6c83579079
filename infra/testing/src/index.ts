export * from './databases';
export * from './client';
export * from './private-postgres';
