export * from './databases';
export * from './client';
