import type { Server } from 'node:http';
import { enterQueryLabel } from '@shop/db';

/**
 * Attributes the SQL each server's request handling sends to its name (e.g. the subgraphs of the
 * embedded graph, which share one database): `database.countQueries(fn).byLabel.order` is then
 * the statements the order subgraph sent while `fn` ran, without the background pollers (outbox
 * relays, consumers), which run outside any request.
 *
 * @example
 * labelQueriesByServer(t.graph.subgraphs);
 * const { byLabel } = await t.graph.database.countQueries(() => t.gql(query, {}, token));
 */
export function labelQueriesByServer(servers: Record<string, { server: Server }>): void {
  for (const [label, { server }] of Object.entries(servers)) {
    // Runs before the server's own `request` listener, in the same synchronous execution: the
    // label set here stays active for all the async work that handles the request.
    server.prependListener('request', () => enterQueryLabel(label));
  }
}
