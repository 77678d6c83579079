import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { CART_SUBGRAPH, prepareCartDatabase, startCartSubgraph } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'cart' });

const dataDir = fileURLToPath(new URL('../.data/cart', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await prepareCartDatabase(database);

if (!env.INTERNAL_PRIVATE_JWK) {
  log.warn('[cart] INTERNAL_PRIVATE_JWK is unset: ephemeral service key (product will reject');
  log.warn('[cart] it unless product trusts the same key)');
}
const serviceKey = await loadSigningKey(env.INTERNAL_PRIVATE_JWK);

let cartTokenSecret = env.CART_TOKEN_SECRET;
if (!cartTokenSecret) {
  log.warn('[cart] CART_TOKEN_SECRET is unset: generated one; guest cart tokens die on restart');
  cartTokenSecret = randomBytes(32).toString('base64url');
}

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  const gatewayKey = await loadSigningKey();
  gatewayKeys = [gatewayKey];
  devToken = await mintInternalToken(gatewayKey, CART_SUBGRAPH, null);
}

const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: 'cart-subgraph',
});

const subgraph = await startCartSubgraph({
  database,
  gatewayKeys,
  bus,
  serviceKey,
  serviceUrls: { product: env.SUBGRAPH_PRODUCT_URL },
  cartTokenSecret,
  ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL } : {}),
  port: env.PORT,
  host: env.HOST,
});
log.info(`[cart] subgraph ready at ${subgraph.url} (${database.kind})`);
if (devToken) {
  log.info('[cart] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Anonymous internal token');
  printDevCredential(`[cart] (expires in 60 s): Authorization: Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await database.close();
  await shutdownTelemetry();
});
