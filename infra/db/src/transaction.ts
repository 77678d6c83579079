import type { Db } from './index';

/**
 * The one way application code opens a transaction: `fn` receives a {@link Db} bound to the
 * transaction (the same query API as the pool), so repositories written against `Db` run inside
 * it unchanged. Nested calls (when `db` is already a transaction) open a savepoint.
 */
export function withTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db));
}
