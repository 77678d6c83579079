import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import {
  NOTIFICATION_SUBGRAPH,
  prepareNotificationDatabase,
  startNotificationSubgraph,
} from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'notification' });

const dataDir = fileURLToPath(new URL('../.data/notification', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await prepareNotificationDatabase(database);

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  const gatewayKey = await loadSigningKey();
  gatewayKeys = [gatewayKey];
  devToken = await mintInternalToken(gatewayKey, NOTIFICATION_SUBGRAPH, null);
}
if (!env.CART_TOKEN_SECRET) {
  log.warn('[notification] CART_TOKEN_SECRET is unset: guest carts cannot use cartUpdated');
}

const bus = await createEventBus({
  database,
  kafkaBrokers: env.KAFKA_BROKERS,
  clientId: 'notification-subgraph',
});

const subgraph = await startNotificationSubgraph({
  database,
  gatewayKeys,
  bus,
  ...(env.CART_TOKEN_SECRET ? { cartTokenSecret: env.CART_TOKEN_SECRET } : {}),
  port: env.PORT,
  host: env.HOST,
});
log.info(`[notification] subgraph ready at ${subgraph.url} (HTTP and WebSocket, ${database.kind})`);
if (devToken) {
  log.info('[notification] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Anonymous');
  printDevCredential(`[notification] internal token (expires in 60 s): Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await bus.close();
  await database.close();
  await shutdownTelemetry();
});
