import type { Subscription } from '@shop/events';
import { EntityCache } from '../entity-cache';
import {
  PublicCatalogFields,
  ResponseCache,
  subscribeInvalidation,
  type ResponseCacheOptions,
} from '../response-cache';

/** The response cache with what it caches and the entity cache that shares its bounds. */
export interface ResponseCaching {
  cache: ResponseCache;
  /** The public catalog fields of the served supergraph (what may be cached). */
  publicFields: PublicCatalogFields;
  /** On exactly when the response cache is: follows its clears, TTL and byte bound. */
  entities: EntityCache;
}

/**
 * Whole-response cache for anonymous queries over public catalog fields; off when not asked
 * for, and off without a bus (nothing would clear it) unless `ttlOnly` is set.
 */
export function responseCaching(
  options: ResponseCacheOptions | undefined,
  supergraphSdl: string,
): ResponseCaching | undefined {
  if (!options || options.enabled === false || !(options.bus || options.ttlOnly)) return undefined;
  const cache = new ResponseCache(options.ttlMs, options.maxBytes);
  const publicFields = new PublicCatalogFields(supergraphSdl, options.subgraph);
  return { cache, publicFields, entities: new EntityCache(publicFields, cache) };
}

/** Every catalog/inventory event on the bus clears the cache; none without a bus. */
export function clearOnCatalogEvents(
  caching: ResponseCaching | undefined,
  options: ResponseCacheOptions | undefined,
): Promise<Subscription | undefined> {
  if (!caching || !options?.bus) return Promise.resolve(undefined);
  return subscribeInvalidation(options.bus, caching.cache);
}
