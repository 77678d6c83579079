export * from './checkers';
export * from './clients';
export * from './cluster';
export * from './kafka';
export * from './load';
export * from './processes';
export * from './redis-cleanup';
export * from './truth';
