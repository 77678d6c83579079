import { log } from '@shop/log';
import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { notificationOptionsFromEnv, notificationSubgraph } from './subgraph';

await runSubgraph(notificationSubgraph, env, {
  configure: () => {
    if (!env.CART_TOKEN_SECRET) {
      log.warn('[notification] CART_TOKEN_SECRET is unset: guest carts cannot use cartUpdated');
    }
    return { options: notificationOptionsFromEnv(env), prepare: {} };
  },
});
