import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { ORDER_SUBGRAPH, prepareOrderDatabase, startOrderSubgraph } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'order' });

const dataDir = fileURLToPath(new URL('../.data/order', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await prepareOrderDatabase(database);
const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: 'order-subgraph',
});

if (!env.INTERNAL_PRIVATE_JWK) {
  log.warn('[order] INTERNAL_PRIVATE_JWK is unset: using an ephemeral internal key');
}
const internalKey = await loadSigningKey(env.INTERNAL_PRIVATE_JWK);

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  gatewayKeys = [internalKey];
  devToken = await mintInternalToken(internalKey, ORDER_SUBGRAPH, null);
}

const subgraph = await startOrderSubgraph({
  database,
  gatewayKeys,
  bus,
  serviceKey: internalKey,
  serviceUrls: { cart: env.SUBGRAPH_CART_URL, product: env.SUBGRAPH_PRODUCT_URL },
  paymentTtlSeconds: env.PAYMENT_TTL_SECONDS,
  port: env.PORT,
  host: env.HOST,
});
log.info(`[order] subgraph ready at ${subgraph.url} (${database.kind})`);
if (devToken) {
  log.info('[order] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Anonymous internal token');
  printDevCredential(`[order] (expires in 60 s): Authorization: Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await database.close();
  await shutdownTelemetry();
});
