import { randomBytes } from 'node:crypto';
import { runSubgraph } from '@shop/subgraph';
import { log } from '@shop/log';
import { env } from './env';
import { cartSubgraph } from './subgraph';

await runSubgraph(cartSubgraph, env, {
  configure: () => {
    let cartTokenSecret = env.CART_TOKEN_SECRET;
    if (!cartTokenSecret) {
      log.warn(
        '[cart] CART_TOKEN_SECRET is unset: generated one; guest cart tokens die on restart and do not verify on other replicas',
      );
      cartTokenSecret = randomBytes(32).toString('base64url');
    }
    const options = {
      cartTokenSecret,
      ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
      ...(env.REDIS_KEY_PREFIX ? { redisKeyPrefix: env.REDIS_KEY_PREFIX } : {}),
    };
    return { options, prepare: {} };
  },
});
