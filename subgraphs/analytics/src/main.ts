import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { ANALYTICS_SUBGRAPH, prepareAnalyticsDatabase, startAnalyticsSubgraph } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'analytics' });

const dataDir = fileURLToPath(new URL('../.data/analytics', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await prepareAnalyticsDatabase(database);

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  const gatewayKey = await loadSigningKey();
  gatewayKeys = [gatewayKey];
  devToken = await mintInternalToken(gatewayKey, ANALYTICS_SUBGRAPH, {
    userId: 'local-admin',
    roles: ['ADMIN'],
  });
}

const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: 'analytics-subgraph',
});

const subgraph = await startAnalyticsSubgraph({
  database,
  gatewayKeys,
  bus,
  port: env.PORT,
  host: env.HOST,
});
log.info(`[analytics] subgraph ready at ${subgraph.url} (HTTP and WebSocket, ${database.kind})`);
if (devToken) {
  log.info('[analytics] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Admin');
  printDevCredential(`[analytics] internal token (expires in 60 s): Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await database.close();
  await shutdownTelemetry();
});
