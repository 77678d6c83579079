import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { toJwks, type SigningKey } from '@shop/auth';
import { sendJson } from '@shop/http';
import { defineSubgraph } from '@shop/subgraph';
import { createAddressesLoader, createSessionsLoader, createUserLoader } from './loaders';
import { createUserRepo } from './repo';
import { resolvers, type UserContext } from './resolvers';
import { seedDemoAccounts } from './seed';
import { createAccountService } from './service';
import { createTokenService } from './tokens';
import { parseProviders, type ProviderInput } from './oidc/config';
import { createIdentitiesLoader } from './oidc/loaders';
import { createOidcRepo } from './oidc/repo';
import { createOidcService } from './oidc/service';
import { createAccountRepo } from './account/repo';
import { createAccountSecurity } from './account/service';

/** The user subgraph's own start options. */
export interface UserOptions {
  /** Key that signs the access tokens handed to clients; its public part is served as JWKS. */
  accessTokenKey: SigningKey;
  /** Sign-in providers (OpenID Connect, GitHub): a list or `OIDC_PROVIDERS` JSON; none when absent. */
  oidcProviders?: ProviderInput[] | string | undefined;
  /** Storefront base URL for the links in account emails; default http://localhost:3000. */
  storefrontUrl?: string;
}

/**
 * The user subgraph: accounts, sign-in, refresh-token rotation, addresses, and the access-token
 * JWKS at `GET /.well-known/jwks.json`. Its seed inserts the missing demo accounts.
 */
export const userSubgraph = defineSubgraph<UserOptions, UserContext, { seed: boolean }>({
  name: 'user',
  schema: 'user',
  migrations: new URL('../migrations/', import.meta.url),
  // Account emails (password reset, email verification) leave through the outbox.
  outbox: true,
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  async seed(database, options) {
    if (options.seed) await seedDemoAccounts(createUserRepo(database.db));
  },
  setup({ database, options }) {
    const { accessTokenKey } = options;
    const repo = createUserRepo(database.db);
    const tokens = createTokenService({ accessTokenKey, repo });
    const security = createAccountSecurity({
      users: repo,
      account: createAccountRepo(database.db),
      storefrontUrl: options.storefrontUrl ?? 'http://localhost:3000',
    });
    const service = createAccountService({
      repo,
      tokens,
      onRegistered: (user) => security.sendRegistrationVerification(user),
    });
    const oidc = createOidcService({
      providers: parseProviders(options.oidcProviders),
      oidcRepo: createOidcRepo(database.db),
      userRepo: repo,
      tokens,
    });
    const jwks = toJwks([accessTokenKey]);
    return {
      context: (base) => ({
        ...base,
        service,
        loadUser: createUserLoader(service),
        loadAddresses: createAddressesLoader(service),
        oidc,
        loadIdentities: createIdentitiesLoader(oidc),
        security,
        loadSessions: createSessionsLoader(security),
      }),
      // Password-reset emails still being queued after their answer.
      close: () => security.settled(),
      routes: {
        'GET /.well-known/jwks.json': (_req, res) => {
          res.setHeader('cache-control', 'public, max-age=300');
          sendJson(res, 200, jwks);
        },
      },
    };
  },
});
