export { Lru } from './lru';
export { isUuid } from './uuid';
