import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { onShutdownSignal } from '@shop/http';
import { createSearchIndex } from '@shop/search';
import { env } from './env';
import { PRODUCT_SUBGRAPH, prepareProductDatabase, startProductSubgraph } from './index';

const database = await createDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DIR });
const search = createSearchIndex({ database, opensearchUrl: env.OPENSEARCH_URL });
await prepareProductDatabase(database, { seed: env.SEED, search });

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  // Running alone: trust an ephemeral key and print a token so the subgraph can be called.
  const key = await loadSigningKey();
  gatewayKeys = [key];
  devToken = await mintInternalToken(key, PRODUCT_SUBGRAPH, {
    userId: 'dev-admin',
    roles: ['ADMIN'],
  });
}

const subgraph = await startProductSubgraph({
  database,
  search,
  gatewayKeys,
  port: env.PORT,
  host: env.HOST,
});
console.log(
  `[product] listening on ${subgraph.url} (${database.kind}${env.DATABASE_URL ? '' : ` at ${env.PGLITE_DIR}`})`,
);
if (devToken) {
  console.log(`[product] dev ADMIN token (expires in 60 s):\nAuthorization: Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await search.close();
  await database.close();
});
