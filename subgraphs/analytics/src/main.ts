import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { analyticsSubgraph } from './subgraph';

await runSubgraph(analyticsSubgraph, env, {
  devIdentity: { userId: 'local-admin', roles: ['ADMIN'] },
  configure: () => ({ options: {}, prepare: {} }),
});
