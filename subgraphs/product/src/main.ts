import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { createSearchIndex } from '@shop/search';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { PRODUCT_SUBGRAPH, prepareProductDatabase, startProductSubgraph } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'product' });

const database = await createDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DIR });
const search = createSearchIndex({ database, opensearchUrl: env.OPENSEARCH_URL });
await prepareProductDatabase(database, { seed: env.SEED, search });
// Publishes the catalog and inventory outbox (search indexing, the gateway's catalog caches) and
// consumes order events (stock commit/release): Kafka when KAFKA_BROKERS is set, else the log
// bus in this database.
const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: 'product-subgraph',
});

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
  bus,
  gatewayKeys,
  port: env.PORT,
  host: env.HOST,
});
log.info(
  `[product] listening on ${subgraph.url} (${database.kind}${env.DATABASE_URL ? '' : ` at ${env.PGLITE_DIR}`})`,
);
if (devToken) {
  printDevCredential(
    `[product] dev ADMIN token (expires in 60 s):\nAuthorization: Bearer ${devToken}`,
  );
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await search.close();
  await database.close();
  await shutdownTelemetry();
});
