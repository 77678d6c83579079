import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { toJwks, type KeySource, type SigningKey } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import { sendJson } from '@shop/http';
import { createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createAddressesLoader, createUserLoader } from './loaders';
import { createUserRepo } from './repo';
import { resolvers, type UserContext } from './resolvers';
import { seedDemoAccounts } from './seed';
import { createAccountService } from './service';
import { createTokenService } from './tokens';

export { DEMO_ACCOUNTS } from './seed';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const USER_SUBGRAPH = 'user';

export interface UserSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Key that signs the access tokens handed to clients; its public part is served as JWKS. */
  accessTokenKey: SigningKey;
  port?: number;
  host?: string;
}

/** Migrates the `user` schema, then (when `seed`) inserts missing demo accounts. Idempotent. */
export async function prepareUserDatabase(
  database: Database,
  options: { seed: boolean },
): Promise<void> {
  await migrate(database, {
    schema: 'user',
    migrations: readMigrations(new URL('../migrations/', import.meta.url)),
  });
  if (options.seed) await seedDemoAccounts(createUserRepo(database.db));
}

/**
 * Starts the user subgraph: accounts, sign-in, refresh-token rotation, addresses, and the
 * access-token JWKS at `GET /.well-known/jwks.json`.
 */
export async function startUserSubgraph(options: UserSubgraphOptions): Promise<RunningSubgraph> {
  const { database, accessTokenKey } = options;
  const repo = createUserRepo(database.db);
  const service = createAccountService({
    repo,
    tokens: createTokenService({ accessTokenKey, repo }),
  });
  const jwks = toJwks([accessTokenKey]);
  return createSubgraph<UserContext>({
    name: USER_SUBGRAPH,
    typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
    resolvers,
    gatewayKeys: options.gatewayKeys,
    context: (base) => ({
      ...base,
      service,
      loadUser: createUserLoader(service),
      loadAddresses: createAddressesLoader(service),
    }),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    readiness: () => database.ping(),
    routes: {
      'GET /.well-known/jwks.json': (_req, res) => {
        res.setHeader('cache-control', 'public, max-age=300');
        sendJson(res, 200, jwks);
      },
    },
  });
}
