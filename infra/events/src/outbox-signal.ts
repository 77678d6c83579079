/**
 * How a relay on the embedded PGlite database hears that its outbox has new rows without waiting
 * for its next poll: {@link appendToOutbox} calls {@link outboxAppended}, and the relays of that
 * schema in this process (one process owns a PGlite database) pass at once; their read waits for
 * the business transaction, which holds PGlite's only connection, so it sees the committed rows.
 * On Postgres relays poll (every 25 ms): a `NOTIFY` in every business transaction would make
 * their commits queue on Postgres' global notify lock (measured in the cluster suite: checkouts
 * timed out under load), so none is sent there.
 */
const relaysBySchema = new Map<string, Set<() => void>>();

/** Calls `wake` whenever this process appends to `schema`'s outbox; returns the unsubscribe. */
export function onOutboxAppended(schema: string, wake: () => void): () => void {
  let wakers = relaysBySchema.get(schema);
  if (!wakers) relaysBySchema.set(schema, (wakers = new Set()));
  const entry = () => wake();
  wakers.add(entry);
  return () => {
    wakers.delete(entry);
    if (wakers.size === 0 && relaysBySchema.get(schema) === wakers) relaysBySchema.delete(schema);
  };
}

/** Called by {@link appendToOutbox} after its insert. */
export function outboxAppended(schema: string): void {
  relaysBySchema.get(schema)?.forEach((wake) => wake());
}
