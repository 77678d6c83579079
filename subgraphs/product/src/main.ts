import { createSearchIndex } from '@shop/search';
import { runSubgraph } from '@shop/subgraph';
import { env } from './env';
import { productSubgraph } from './subgraph';

await runSubgraph(productSubgraph, env, {
  devIdentity: { userId: 'dev-admin', roles: ['ADMIN'] },
  configure: (database) => {
    const search = createSearchIndex({ database, opensearchUrl: env.OPENSEARCH_URL });
    return {
      options: { search },
      prepare: { seed: env.SEED, search },
      close: () => search.close(),
    };
  },
});
