import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { orderSubgraph } from './subgraph';

await runSubgraph(orderSubgraph, env, {
  configure: () => ({
    options: { paymentTtlSeconds: env.PAYMENT_TTL_SECONDS },
    prepare: {},
  }),
});
