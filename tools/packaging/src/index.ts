export * from './compose';
export * from './compose-checks';
export * from './dockerfile';
export * from './dotenv';
export * from './makefile';
