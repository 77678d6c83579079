import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { paymentSubgraph } from './subgraph';

await runSubgraph(paymentSubgraph, env, {
  devIdentity: { userId: '00000000-0000-4000-8000-00000000ad01', roles: ['ADMIN'] },
  configure: () => ({ options: {}, prepare: {} }),
});
