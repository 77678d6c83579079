import { loadSigningKey } from '@shop/auth';
import { log } from '@shop/log';
import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { userSubgraph } from './subgraph';

await runSubgraph(userSubgraph, env, {
  configure: async () => {
    if (!env.AUTH_PRIVATE_JWK) {
      log.warn('[user] AUTH_PRIVATE_JWK is unset: using an ephemeral access-token key');
    }
    const accessTokenKey = await loadSigningKey(env.AUTH_PRIVATE_JWK);
    return {
      options: {
        accessTokenKey,
        oidcProviders: env.OIDC_PROVIDERS,
        storefrontUrl: env.STOREFRONT_URL,
      },
      prepare: { seed: env.SEED },
    };
  },
});
