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

/** Environment of the all-in-one process (`pnpm start`). */
export const EmbeddedEnv = z.object({
  NODE_ENV: nodeEnv(),
  HOST: z.string().default('127.0.0.1'),
  PORT: port(4000),
  /** Postgres URL; when unset the graph runs on embedded PGlite in DATA_DIR. */
  DATABASE_URL: optionalUrl(),
  DATA_DIR: z.string().default('.data'),
  /** Start subgraphs on ports PORT+1, PORT+2, … (default) or on free ports. */
  SUBGRAPH_PORTS: z.enum(['sequential', 'random']).default('sequential'),
  AUTH_PRIVATE_JWK: optionalString(),
  GATEWAY_PRIVATE_JWK: optionalString(),
  SEED: flag(true),
  /** Comma-separated Kafka brokers; when unset events go through the embedded Postgres log. */
  KAFKA_BROKERS: optionalString(),
  /** Redis URL for the cart cache and the gateway's rate limits; in-process only when unset. */
  REDIS_URL: optionalUrl(),
  /** HMAC secret of guest cart tokens; generated per start when unset (dev only). */
  CART_TOKEN_SECRET: optionalString(),
  /** The gateway's rate limits (per IP, per user, login attempts); `off` only for test rigs. */
  RATE_LIMITS: flag(true),
  /** Share of operations reported to the analytics subgraph (0..1). */
  USAGE_SAMPLE_RATE: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().min(0).max(1).default(1),
  ),
  /** OpenSearch node for product search; Postgres full-text search when unset. */
  OPENSEARCH_URL: optionalUrl(),
  /** Seconds an unpaid order keeps its stock before it expires. */
  PAYMENT_TTL_SECONDS: positiveInt(900),
  /** Persisted queries: `apq` (default), `safelist` (only schema/operations run) or `off`. */
  PERSISTED_QUERIES: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['apq', 'safelist', 'off']).default('apq'),
  ),
  /** Safelist mode: the operation registry folder; default schema/operations. */
  PERSISTED_QUERIES_DIR: optionalString(),
  /**
   * Browser origins allowed cross-origin (HTTP and WebSocket), comma-separated exact origins;
   * `*` refused in production. Unset: localhost origins (none with NODE_ENV=production).
   */
  CORS_ORIGINS: optionalString(),
  /** `Access-Control-Allow-Credentials: true` for the allowed origins (not with `*`). */
  CORS_CREDENTIALS: flag(false),
  /** Sign-in providers (OpenID Connect, GitHub) as a JSON array; none when unset. */
  OIDC_PROVIDERS: optionalString(),
});

export const loadEmbeddedEnv = () => loadEnv(EmbeddedEnv);
