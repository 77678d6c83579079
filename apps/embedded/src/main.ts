import { loadSigningKey } from '@shop/auth';
import { onShutdownSignal } from '@shop/http';
import { initTelemetry, shutdownTelemetry } from '@shop/telemetry';
import { corsFromEnv } from '@shop/gateway';
import { startEmbeddedGraph } from './embedded';
import { loadEmbeddedEnv } from './env';
import { log, logUncaughtErrors } from '@shop/log';

// Uncaught errors are logged redacted (never Node's dump of the whole error object).
logUncaughtErrors();

// `pnpm start`: the whole graph in one process on embedded defaults.
// Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing"): one provider for
// every service in this process; each span names its service in `shop.service`.
initTelemetry({ serviceName: 'shopgraph' });
const env = loadEmbeddedEnv();
const graph = await startEmbeddedGraph({
  databaseUrl: env.DATABASE_URL,
  dataDir: env.DATA_DIR,
  host: env.HOST,
  port: env.PORT,
  subgraphPorts: env.SUBGRAPH_PORTS,
  seed: env.SEED,
  accessTokenKey: await loadSigningKey(env.AUTH_PRIVATE_JWK),
  gatewayKey: await loadSigningKey(env.GATEWAY_PRIVATE_JWK),
  production: env.NODE_ENV === 'production',
  // Throws (start fails) for CORS_ORIGINS=* in production or a malformed origin.
  cors: corsFromEnv(env),
  kafkaBrokers: env.KAFKA_BROKERS?.split(',').map((broker) => broker.trim()),
  redisUrl: env.REDIS_URL,
  cartTokenSecret: env.CART_TOKEN_SECRET,
  paymentTtlSeconds: env.PAYMENT_TTL_SECONDS,
  opensearchUrl: env.OPENSEARCH_URL,
  usageSampleRate: env.USAGE_SAMPLE_RATE,
  persistedQueries: { mode: env.PERSISTED_QUERIES, dir: env.PERSISTED_QUERIES_DIR },
  // Anonymous catalog queries answered from memory, cleared by catalog/inventory events.
  responseCache: {},
  ...(env.RATE_LIMITS ? {} : { requestLimits: false as const }),
  // The user subgraph's sign-in providers (subgraphs/user/README.md); invalid JSON fails the start.
  oidcProviders: env.OIDC_PROVIDERS,
});
onShutdownSignal(async () => {
  await graph.stop();
  await shutdownTelemetry();
});

const storage = env.DATABASE_URL
  ? 'Postgres (DATABASE_URL)'
  : `embedded PGlite in ${env.DATA_DIR}/pglite`;
const events = env.KAFKA_BROKERS
  ? `Kafka (${env.KAFKA_BROKERS})`
  : 'the embedded Postgres event log';
// One line per entry (the logger escapes line breaks). Demo accounts: README "Quick start"
// (the logger never prints an email address or a password).
log.info(`ShopGraph is running on ${storage}, events through ${events}.`);
log.info(`  GraphQL endpoint and GraphiQL:  ${graph.gatewayUrl}`);
for (const subgraph of Object.values(graph.subgraphs)) {
  log.info(`  subgraph ${subgraph.name.padEnd(9)}  ${subgraph.url}`);
}
log.info('  Demo accounts (admin, customer): see README.md "Quick start". Press Ctrl+C to stop.');
