import type { ServiceClient } from '@shop/subgraph';
import { log as sharedLog } from '@shop/log';
import type { ProductCatalog, VariantInfo } from './ports';

const VARIANTS = `query CartVariants($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Variant {
      id sku name price { amount currencyCode } stockOnHand product { id name status }
    }
  }
}`;

export function createProductCatalog(client: ServiceClient): ProductCatalog {
  return {
    async fetchVariants(ids) {
      const unique = [...new Set(ids)];
      const result = new Map<string, VariantInfo | null>();
      if (unique.length === 0) return result;
      const data = await client.call<{ _entities: Array<VariantInfo | null> }>(
        'product',
        VARIANTS,
        { representations: unique.map((id) => ({ __typename: 'Variant', id })) },
      );
      unique.forEach((id, index) => result.set(id, data._entities[index] ?? null));
      return result;
    },
  };
}

/**
 * Per-request variant loader for reads: ids asked for in the same tick are fetched in one call,
 * results are memoised, and a product outage resolves to null (reads go on without re-pricing)
 * instead of failing the request.
 */
export interface VariantLoader {
  /** The variants by id, or null when product could not be asked. */
  load(ids: string[]): Promise<Map<string, VariantInfo | null> | null>;
  /** Seeds the memo with variants a mutation has already fetched. */
  prime(variants: Map<string, VariantInfo | null>): void;
}

const UNAVAILABLE = Symbol('unavailable');
type Entry = VariantInfo | null | typeof UNAVAILABLE;

export function createVariantLoader(
  catalog: ProductCatalog,
  log: (message: string) => void = (message) => sharedLog.warn(message),
): VariantLoader {
  const memo = new Map<string, Promise<Entry>>();
  let queue: Map<string, (entry: Entry) => void> | undefined;

  const flush = async (batch: Map<string, (entry: Entry) => void>) => {
    try {
      const found = await catalog.fetchVariants([...batch.keys()]);
      for (const [id, resolve] of batch) resolve(found.get(id) ?? null);
    } catch (error) {
      log(`[cart] product unavailable, reading carts without re-pricing: ${String(error)}`);
      for (const resolve of batch.values()) resolve(UNAVAILABLE);
    }
  };

  const entry = (id: string): Promise<Entry> => {
    let promise = memo.get(id);
    if (!promise) {
      if (!queue) {
        const batch = (queue = new Map());
        setImmediate(() => {
          queue = undefined;
          void flush(batch);
        });
      }
      const pending = queue;
      promise = new Promise<Entry>((resolve) => pending.set(id, resolve));
      memo.set(id, promise);
    }
    return promise;
  };

  return {
    async load(ids) {
      const entries = await Promise.all(ids.map(async (id) => [id, await entry(id)] as const));
      const result = new Map<string, VariantInfo | null>();
      for (const [id, value] of entries) {
        if (value === UNAVAILABLE) return null;
        result.set(id, value);
      }
      return result;
    },
    prime(variants) {
      for (const [id, value] of variants) memo.set(id, Promise.resolve(value));
    },
  };
}
