import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { PAYMENT_SUBGRAPH, preparePaymentDatabase, startPaymentSubgraph } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'payment' });

const dataDir = fileURLToPath(new URL('../.data/payment', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await preparePaymentDatabase(database);

const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: PAYMENT_SUBGRAPH,
});

if (!env.INTERNAL_PRIVATE_JWK) {
  log.warn('[payment] INTERNAL_PRIVATE_JWK is unset: service calls use an ephemeral key');
}
const serviceKey = await loadSigningKey(env.INTERNAL_PRIVATE_JWK);

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  const gatewayKey = await loadSigningKey();
  gatewayKeys = [gatewayKey];
  devToken = await mintInternalToken(gatewayKey, PAYMENT_SUBGRAPH, {
    userId: '00000000-0000-4000-8000-00000000ad01',
    roles: ['ADMIN'],
  });
}

const subgraph = await startPaymentSubgraph({
  database,
  gatewayKeys,
  bus,
  serviceKey,
  serviceUrls: { order: env.SUBGRAPH_ORDER_URL },
  port: env.PORT,
  host: env.HOST,
});
log.info(
  `[payment] subgraph ready at ${subgraph.url} (${database.kind}, ${env.KAFKA_BROKERS.length > 0 ? 'kafka' : 'log bus'})`,
);
if (devToken) {
  log.info('[payment] GATEWAY_JWKS_URL is unset: ephemeral gateway key. ADMIN internal token');
  printDevCredential(`[payment] (expires in 60 s): Authorization: Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await database.close();
  await shutdownTelemetry();
});
