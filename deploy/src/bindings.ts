import type { ServiceSpec } from './services';

/** External infrastructure the services connect to (never deployed by these manifests). */
export type Infra = 'postgres' | 'redis' | 'kafka' | 'opensearch';

/** Secret objects the services read; created by the operator, never committed. */
export const SECRETS = {
  /** Connection strings with passwords: DATABASE_URL, REDIS_URL, OPENSEARCH_URL. */
  infra: 'shopgraph-infra',
  /** Keys: INTERNAL_JWK (gateway + service tokens), AUTH_JWK (user), CART_TOKEN_SECRET. */
  keys: 'shopgraph-keys',
} as const;

/** The ConfigMap of values every service shares (set per environment by the overlays). */
export const SHARED_CONFIG = 'shopgraph-shared';

/** How one environment variable of a service is provided. */
export type Binding =
  /** A literal in the service's own ConfigMap. */
  | { from: 'config'; value: string }
  /** A key of the shared ConfigMap (per environment). */
  | { from: 'shared'; key: string; infra?: Infra }
  /** A key of an operator-created Secret. */
  | { from: 'secret'; secret: string; key: string; infra?: Infra }
  /** The URL of another service of the graph: a call path. */
  | { from: 'service'; target: string; path: string };

const secret = (key: string, infra?: Infra): Binding =>
  infra
    ? { from: 'secret', secret: SECRETS.infra, key, infra }
    : { from: 'secret', secret: SECRETS.keys, key };

/** Variables from a service's env schema that are deliberately left to their default. */
const LEFT_UNSET: Readonly<Record<string, string>> = {
  PGLITE_DIR: 'only used without DATABASE_URL',
};

/**
 * The binding of `key` for `service`, or undefined to leave it unset (its schema default).
 * A variable of an env schema that this does not know must be optional: the checks parse the
 * rendered environment with the schema, so a new required variable fails them until bound here.
 */
export function bindingOf(service: ServiceSpec, key: string): Binding | undefined {
  if (key in LEFT_UNSET) return undefined;
  const subgraphUrl = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)?.[1];
  if (subgraphUrl !== undefined) {
    return {
      from: 'service',
      target: subgraphUrl.toLowerCase().replaceAll('_', '-'),
      path: '/graphql',
    };
  }
  switch (key) {
    case 'NODE_ENV':
      return { from: 'shared', key: 'NODE_ENV' };
    case 'HOST':
      return { from: 'config', value: '0.0.0.0' };
    case 'PORT':
      return { from: 'config', value: String(service.port) };
    case 'SEED':
      // Demo catalog and accounts: on in the dev overlay only.
      return { from: 'shared', key: 'SEED' };
    case 'DATABASE_URL':
      // The gateway uses Postgres only as a stand-in for Kafka, which is always configured here.
      return service.kind === 'gateway' ? undefined : secret('DATABASE_URL', 'postgres');
    case 'REDIS_URL':
      return secret('REDIS_URL', 'redis');
    case 'OPENSEARCH_URL':
      return secret('OPENSEARCH_URL', 'opensearch');
    case 'KAFKA_BROKERS':
      return { from: 'shared', key: 'KAFKA_BROKERS', infra: 'kafka' };
    case 'GATEWAY_JWKS_URL':
      return { from: 'service', target: 'gateway', path: '/.well-known/jwks.json' };
    case 'USER_JWKS_URL':
      return { from: 'service', target: 'user', path: '/.well-known/jwks.json' };
    case 'GATEWAY_PRIVATE_JWK':
    case 'INTERNAL_PRIVATE_JWK':
      // One key: the gateway signs internal tokens with it, the services their service tokens.
      return secret('INTERNAL_JWK');
    case 'AUTH_PRIVATE_JWK':
      return secret('AUTH_JWK');
    case 'CART_TOKEN_SECRET':
      return secret('CART_TOKEN_SECRET');
    default:
      return undefined;
  }
}

/** Variables every service gets besides its schema's: the OpenTelemetry SDK's and SERVICE. */
export function standardBindings(service: ServiceSpec): Record<string, Binding> {
  return {
    // The image's entrypoint picks the service from SERVICE (tools/packaging/docker).
    SERVICE: { from: 'config', value: service.name },
    OTEL_SERVICE_NAME: { from: 'config', value: service.name },
    OTEL_EXPORTER_OTLP_ENDPOINT: { from: 'shared', key: 'OTEL_EXPORTER_OTLP_ENDPOINT' },
  };
}

/** Every variable set for `service`, by name, in a stable order. */
export function bindingsOf(service: ServiceSpec): [string, Binding][] {
  const bound: [string, Binding][] = [];
  for (const key of Object.keys(service.schema.shape)) {
    const binding = bindingOf(service, key);
    if (binding) bound.push([key, binding]);
  }
  return [...bound, ...Object.entries(standardBindings(service))];
}

/** The services `service` calls (its service-URL bindings), without itself. */
export function callsOf(service: ServiceSpec): string[] {
  const targets = bindingsOf(service).flatMap(([, binding]) =>
    binding.from === 'service' && binding.target !== service.name ? [binding.target] : [],
  );
  return [...new Set(targets)].sort();
}

/** Who calls `target`: the services with a service-URL binding to it. */
export function callersOf(services: readonly ServiceSpec[], target: string): string[] {
  return services
    .filter((service) => callsOf(service).includes(target))
    .map((service) => service.name)
    .sort();
}

/** The external infrastructure a service connects to. */
export function infraOf(service: ServiceSpec): Infra[] {
  const used = bindingsOf(service).flatMap(([, binding]) =>
    'infra' in binding && binding.infra ? [binding.infra] : [],
  );
  return [...new Set(used)].sort();
}

/** The shared ConfigMap's keys. */
export const SHARED_KEYS = ['NODE_ENV', 'SEED', 'KAFKA_BROKERS', 'OTEL_EXPORTER_OTLP_ENDPOINT'];
