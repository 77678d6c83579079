import { readFileSync } from 'node:fs';
import { exportPrivateJwk, loadSigningKey } from '@shop/auth';
import { createDatabase } from '@shop/db';
import { createEventBus, createKafkaBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { SUPERGRAPH_PATH } from '@shop/schema';
import { initTelemetry, shutdownTelemetry } from '@shop/telemetry';
import { loadGatewayEnv, subgraphUrlOverrides } from './env';
import { corsFromEnv } from './server/cors';
import { startGateway } from './gateway';
import { isWorkerPrimary, superviseWorkers } from './workers';
import { log, logUncaughtErrors } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// The gateway alone, in front of subgraphs running as their own processes; with
// GATEWAY_WORKERS > 1 this process only supervises that many gateway processes (workers.ts).
const env = loadGatewayEnv();
if (isWorkerPrimary(env.GATEWAY_WORKERS)) {
  // Every worker must sign internal tokens and serve its JWKS with the same key.
  const sharedKey: Record<string, string> = env.GATEWAY_PRIVATE_JWK
    ? {}
    : { GATEWAY_PRIVATE_JWK: JSON.stringify(await exportPrivateJwk(await loadSigningKey())) };
  if (!env.GATEWAY_PRIVATE_JWK) {
    log.warn('[gateway] GATEWAY_PRIVATE_JWK is not set: one ephemeral key for all workers');
  }
  await superviseWorkers({ workers: env.GATEWAY_WORKERS, env: sharedKey });
  process.exit();
}
// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
initTelemetry({ serviceName: 'gateway' });
if (!env.GATEWAY_PRIVATE_JWK) {
  log.warn('[gateway] GATEWAY_PRIVATE_JWK is not set: using an ephemeral key (dev only)');
}
// Events (usage out, catalog changes in): Kafka when configured, else the event log in the
// Postgres shared with the subgraphs when DATABASE_URL is set, else none.
const database =
  !env.KAFKA_BROKERS && env.DATABASE_URL
    ? await createDatabase({ url: env.DATABASE_URL, maxConnections: 4 })
    : undefined;
const usageBus = env.KAFKA_BROKERS
  ? await createKafkaBus({
      brokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
      clientId: 'gateway',
    })
  : database
    ? await createEventBus({ database, clientId: 'gateway' })
    : undefined;
if (!usageBus) {
  log.warn(
    '[gateway] neither KAFKA_BROKERS nor DATABASE_URL is set: no usage events, no response cache',
  );
}
const gateway = await startGateway({
  supergraphSdl: readFileSync(SUPERGRAPH_PATH, 'utf8'),
  subgraphUrls: subgraphUrlOverrides(env),
  accessTokenKeys: new URL(env.USER_JWKS_URL),
  signingKey: await loadSigningKey(env.GATEWAY_PRIVATE_JWK),
  port: env.PORT,
  host: env.HOST,
  production: env.NODE_ENV === 'production',
  // Throws (start fails) for CORS_ORIGINS=* in production or a malformed origin.
  cors: corsFromEnv(env),
  maxBodyBytes: env.MAX_BODY_BYTES,
  executor: env.GATEWAY_EXECUTOR,
  subgraphDedup: env.SUBGRAPH_DEDUP,
  redisUrl: env.REDIS_URL,
  redisKeyPrefix: env.REDIS_KEY_PREFIX,
  ...(usageBus ? { usage: { bus: usageBus, sampleRate: env.USAGE_SAMPLE_RATE } } : {}),
  // Anonymous catalog queries answered from memory, cleared by catalog/inventory events on the
  // bus; without a bus nothing would invalidate it, so it stays off.
  ...(usageBus ? { responseCache: { bus: usageBus } } : {}),
  persistedQueries: { mode: env.PERSISTED_QUERIES, dir: env.PERSISTED_QUERIES_DIR },
  limits: {
    requests: env.RATE_LIMITS && {
      perIp: { points: env.RATE_LIMIT_PER_IP, durationMs: 60_000 },
      perUser: { points: env.RATE_LIMIT_PER_USER, durationMs: 60_000 },
    },
  },
});
onShutdownSignal(async () => {
  await gateway.stop();
  await usageBus?.close();
  await database?.close();
  await shutdownTelemetry();
});
log.info(`[gateway] listening on ${gateway.url}`);
