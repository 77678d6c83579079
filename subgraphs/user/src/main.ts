import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSigningKey, mintInternalToken, type KeySource } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/subgraph';
import { env } from './env';
import { prepareUserDatabase, startUserSubgraph, USER_SUBGRAPH } from './index';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'user' });

const dataDir = fileURLToPath(new URL('../.data/user', import.meta.url));
if (!env.DATABASE_URL) mkdirSync(dataDir, { recursive: true });
const database = await createDatabase({ url: env.DATABASE_URL, dataDir });
await prepareUserDatabase(database, { seed: true });

if (!env.AUTH_PRIVATE_JWK) {
  log.warn('[user] AUTH_PRIVATE_JWK is unset: using an ephemeral access-token key');
}
const accessTokenKey = await loadSigningKey(env.AUTH_PRIVATE_JWK);

let gatewayKeys: KeySource;
let devToken: string | undefined;
if (env.GATEWAY_JWKS_URL) {
  gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
} else {
  const gatewayKey = await loadSigningKey();
  gatewayKeys = [gatewayKey];
  devToken = await mintInternalToken(gatewayKey, USER_SUBGRAPH, null);
}

const subgraph = await startUserSubgraph({
  database,
  gatewayKeys,
  accessTokenKey,
  port: env.PORT,
  host: env.HOST,
});
log.info(`[user] subgraph ready at ${subgraph.url} (${database.kind})`);
if (devToken) {
  log.info('[user] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Anonymous internal token');
  printDevCredential(`[user] (expires in 60 s): Authorization: Bearer ${devToken}`);
}

onShutdownSignal(async () => {
  await subgraph.stop();
  await database.close();
  await shutdownTelemetry();
});
