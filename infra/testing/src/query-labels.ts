import { AsyncLocalStorage } from 'node:async_hooks';
import type { Server } from 'node:http';

const queryLabels = new AsyncLocalStorage<string>();

/**
 * Runs `fn` with a query label: every statement it (and all async work it starts) sends is
 * attributed to `label` by {@link countQueries}. Tells apart the statements of several subgraphs
 * sharing one database.
 */
export function withQueryLabel<T>(label: string, fn: () => T): T {
  return queryLabels.run(label, fn);
}

/**
 * Sets the query label for the rest of the current synchronous execution and the async work it
 * starts (`AsyncLocalStorage.enterWith`), e.g. from a `request` listener prepended to an HTTP
 * server so that its request handling is attributed to `label`.
 */
export function enterQueryLabel(label: string): void {
  queryLabels.enterWith(label);
}

/** The query label active here, if any. */
export function currentQueryLabel(): string | undefined {
  return queryLabels.getStore();
}

/**
 * Attributes the SQL each server's request handling sends to its name (e.g. the subgraphs of the
 * embedded graph, which share one database): `countQueries(database, fn).byLabel.order` is then
 * the statements the order subgraph sent while `fn` ran, without the background pollers (outbox
 * relays, consumers), which run outside any request.
 *
 * @example
 * labelQueriesByServer(t.graph.subgraphs);
 * const { byLabel } = await countQueries(t.graph.database, () => t.gql(query, {}, token));
 */
export function labelQueriesByServer(servers: Record<string, { server: Server }>): void {
  for (const [label, { server }] of Object.entries(servers)) {
    // Runs before the server's own `request` listener, in the same synchronous execution: the
    // label set here stays active for all the async work that handles the request.
    server.prependListener('request', () => enterQueryLabel(label));
  }
}
