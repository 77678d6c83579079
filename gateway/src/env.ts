import {
  flag,
  loadEnv,
  nodeEnv,
  optionalString,
  optionalUrl,
  port,
  positiveInt,
  z,
} from '@shop/config';
import { SUBGRAPHS } from '@shop/schema';

/**
 * The variable that overrides a subgraph's URL: SUBGRAPH_<NAME>_URL, e.g. SUBGRAPH_USER_URL.
 * Env names cannot hold a hyphen, so kebab-case names use underscores: `gift-cards` →
 * SUBGRAPH_GIFT_CARDS_URL (read back by `subgraphUrlOverrides`).
 */
const subgraphUrlVariable = (subgraph: string) =>
  `SUBGRAPH_${subgraph.toUpperCase().replaceAll('-', '_')}_URL` as const;

/** One optional SUBGRAPH_<NAME>_URL per subgraph registered in schema/src/subgraphs.ts. */
const subgraphUrlVars: Record<
  `SUBGRAPH_${string}_URL`,
  ReturnType<typeof optionalUrl>
> = Object.fromEntries(SUBGRAPHS.map(({ name }) => [subgraphUrlVariable(name), optionalUrl()]));

/** Environment of the gateway process (`pnpm --filter @shop/gateway start`). */
export const GatewayEnv = z.object({
  NODE_ENV: nodeEnv(),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(4000),
  /** JWKS of the user subgraph (signs access tokens). */
  USER_JWKS_URL: z.string().url().default('http://127.0.0.1:4001/.well-known/jwks.json'),
  /** The gateway's private signing JWK (JSON); generated at start when unset (dev only). */
  GATEWAY_PRIVATE_JWK: optionalString(),
  MAX_BODY_BYTES: positiveInt(1024 * 1024),
  /**
   * Gateway processes sharing the port (workers.ts): 1 = this process serves; more = this
   * process supervises that many workers (one per core is the usual choice).
   */
  GATEWAY_WORKERS: positiveInt(1),
  /**
   * Who runs query plans: `plan` (default; gateway/src/execution, compiled per operation) or
   * `apollo` (@apollo/gateway's own executor, for comparison or as a way out).
   */
  GATEWAY_EXECUTOR: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['plan', 'apollo']).default('plan'),
  ),
  /**
   * In-flight deduplication of identical subgraph query fetches (same subgraph, document,
   * variables and caller identity share one request; docs/subgraph-dedup.md): `on` (default)
   * or `off`.
   */
  SUBGRAPH_DEDUP: flag(true),
  /** Persisted queries: `apq` (default), `safelist` (only schema/operations run) or `off`. */
  PERSISTED_QUERIES: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['apq', 'safelist', 'off']).default('apq'),
  ),
  /** Safelist mode: the operation registry folder; default schema/operations. */
  PERSISTED_QUERIES_DIR: optionalString(),
  /**
   * Redis shared by every gateway instance: rate-limit counters and APQ registrations (a hash
   * registered on one gateway is a hit on all); both in this process's memory when unset.
   */
  REDIS_URL: optionalUrl(),
  /** Prepended to the gateway's Redis keys (`ratelimit:…`, `apq:…`) to share one Redis. */
  REDIS_KEY_PREFIX: optionalString(),
  /** Rate limits (per IP, per user, login attempts); `off` only for load benchmarks. */
  RATE_LIMITS: flag(true),
  /** Operations per minute per client IP (rate limits on). */
  RATE_LIMIT_PER_IP: positiveInt(600),
  /** Operations per minute per signed-in user (rate limits on). */
  RATE_LIMIT_PER_USER: positiveInt(300),
  /**
   * Postgres shared with the subgraphs. Without Kafka the gateway then uses the event log there
   * (as the embedded graph does): usage events to analytics, catalog events for the response
   * cache. Unused when KAFKA_BROKERS is set.
   */
  DATABASE_URL: optionalUrl(),
  /** Kafka brokers for usage events to the analytics subgraph; no usage events when unset. */
  KAFKA_BROKERS: optionalString(),
  USAGE_SAMPLE_RATE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().min(0).max(1).default(1),
  ),
  /**
   * Browser origins allowed cross-origin (HTTP and WebSocket), comma-separated exact origins
   * (`https://shop.example.com,http://127.0.0.1:5173`); `*` (any) is refused in production.
   * Unset: none in production, localhost origins otherwise (server/cors.ts).
   */
  CORS_ORIGINS: optionalString(),
  /** `Access-Control-Allow-Credentials: true` for the allowed origins (not with `*`). */
  CORS_CREDENTIALS: flag(false),
  ...subgraphUrlVars,
});

/** The gateway process's schema under the name every service's `env.ts` exports. */
export const envSchema = GatewayEnv;

export const loadGatewayEnv = () => loadEnv(GatewayEnv);

/**
 * Reads SUBGRAPH_<NAME>_URL overrides from a parsed env. Subgraph names are kebab-case
 * (`pnpm new:subgraph gift-cards`) and env names cannot hold a hyphen, so SUBGRAPH_GIFT_CARDS_URL
 * overrides `gift-cards` (and `gift_cards`).
 */
export function subgraphUrlOverrides(env: Record<string, unknown>): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
    if (!match?.[1] || typeof value !== 'string') continue;
    const name = match[1].toLowerCase();
    urls[name] = value;
    if (name.includes('_')) urls[name.replaceAll('_', '-')] = value;
  }
  return urls;
}
