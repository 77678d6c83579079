import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { toJwks, type SigningKey } from '@shop/auth';
import { sendJson } from '@shop/http';
import { defineSubgraph } from '@shop/subgraph';
import { createAddressesLoader, createUserLoader } from './loaders';
import { createUserRepo } from './repo';
import { resolvers, type UserContext } from './resolvers';
import { seedDemoAccounts } from './seed';
import { createAccountService } from './service';
import { createTokenService } from './tokens';

/** The user subgraph's own start options. */
export interface UserOptions {
  /** Key that signs the access tokens handed to clients; its public part is served as JWKS. */
  accessTokenKey: SigningKey;
}

/**
 * The user subgraph: accounts, sign-in, refresh-token rotation, addresses, and the access-token
 * JWKS at `GET /.well-known/jwks.json`. Its seed inserts the missing demo accounts.
 */
export const userSubgraph = defineSubgraph<UserOptions, UserContext, { seed: boolean }>({
  name: 'user',
  schema: 'user',
  migrations: new URL('../migrations/', import.meta.url),
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  async seed(database, options) {
    if (options.seed) await seedDemoAccounts(createUserRepo(database.db));
  },
  setup({ database, options }) {
    const { accessTokenKey } = options;
    const repo = createUserRepo(database.db);
    const service = createAccountService({
      repo,
      tokens: createTokenService({ accessTokenKey, repo }),
    });
    const jwks = toJwks([accessTokenKey]);
    return {
      context: (base) => ({
        ...base,
        service,
        loadUser: createUserLoader(service),
        loadAddresses: createAddressesLoader(service),
      }),
      routes: {
        'GET /.well-known/jwks.json': (_req, res) => {
          res.setHeader('cache-control', 'public, max-age=300');
          sendJson(res, 200, jwks);
        },
      },
    };
  },
});
