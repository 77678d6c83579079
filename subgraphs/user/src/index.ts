import type { KeySource } from '@shop/auth';
import type { Database } from '@shop/db';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { userSubgraph, type UserOptions } from './subgraph';

export { DEMO_ACCOUNTS } from './seed';
export { userSubgraph } from './subgraph';
export type { ProviderInput as OidcProviderInput } from './oidc/config';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const USER_SUBGRAPH = userSubgraph.name;

export interface UserSubgraphOptions extends UserOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  port?: number;
  host?: string;
}

/** Migrates the `user` schema, then (when `seed`) inserts missing demo accounts. Idempotent. */
export function prepareUserDatabase(database: Database, options: { seed: boolean }): Promise<void> {
  return prepareSubgraphDatabase(userSubgraph, database, options);
}

/**
 * Starts the user subgraph: accounts, sign-in, refresh-token rotation, addresses, and the
 * access-token JWKS at `GET /.well-known/jwks.json`.
 */
export function startUserSubgraph(options: UserSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraph(userSubgraph, options);
}
