import { DuplicateKeyError, type CatalogStore } from '../ports';
import type { CatalogFailure } from '../validation';

/** The outcome of a catalog write: success with its fields, or the failure to report. */
export type Result<T> = ({ ok: true } & T) | CatalogFailure;

/** Thrown inside a transaction to roll it back and report `failure` instead. */
class Abort extends Error {
  constructor(readonly failure: CatalogFailure) {
    super(failure.message);
  }
}

/**
 * Runs `fn` in a transaction of `store`; a failure it returns rolls the transaction back, and a
 * duplicate key becomes the failure `onDuplicate` gives. Nothing is kept unless `fn` succeeds.
 */
export async function inTransaction<T>(
  store: CatalogStore,
  fn: (tx: CatalogStore) => Promise<Result<T>>,
  onDuplicate: (key: 'slug' | 'sku') => CatalogFailure,
): Promise<Result<T>> {
  try {
    return await store.transaction(async (tx) => {
      const result = await fn(tx);
      if (!result.ok) throw new Abort(result);
      return result;
    });
  } catch (error) {
    if (error instanceof Abort) return error.failure;
    if (error instanceof DuplicateKeyError) return onDuplicate(error.key);
    throw error;
  }
}
