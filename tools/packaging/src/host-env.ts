import { builtServiceName, dependenciesOf, nodeServices, type ComposeFile } from './compose';
import { resolvedEnvironment, type ComposeVars } from './compose-checks';

/**
 * What replaces compose's infrastructure when the services run as containers with
 * `--network host` on a machine that already has Postgres and Redis (deploy/docker/ci.sh).
 */
export interface HostInfrastructure {
  /** Replaces every DATABASE_URL (a scratch database, so nothing collides with tests). */
  databaseUrl: string;
  /** Replaces every REDIS_URL. */
  redisUrl: string;
  /** Set as REDIS_KEY_PREFIX wherever REDIS_URL is, so keys never collide with other users. */
  redisKeyPrefix: string;
  /** Replaces KAFKA_BROKERS; without it the variable is dropped (the log bus in Postgres). */
  kafkaBrokers?: string | undefined;
  /** Replaces OPENSEARCH_URL; without it the variable is dropped (search in Postgres). */
  opensearchUrl?: string | undefined;
  /** Added to every Node service's port (and to the URLs that point at one). */
  portOffset: number;
}

/** The variable that carries each infrastructure service's address. */
const INFRASTRUCTURE_VARIABLES: Record<string, (infra: HostInfrastructure) => string | undefined> =
  {
    postgres: (infra) => infra.databaseUrl,
    redis: (infra) => infra.redisUrl,
    kafka: (infra) => infra.kafkaBrokers,
    opensearch: (infra) => infra.opensearchUrl,
  };

/** `host:port` references to compose services in a value. */
const SERVICE_ADDRESS = /\b([a-z][a-z0-9-]*):(\d+)\b/g;

/**
 * A Node service's compose environment (interpolated with `vars`) for host networking: URLs of
 * other Node services point at 127.0.0.1 and their port plus the offset, infrastructure
 * addresses are replaced as {@link HostInfrastructure} says, PORT moves by the offset, and the
 * image's SERVICE is set from the service's build argument.
 */
export function hostEnvironment(
  compose: ComposeFile,
  name: string,
  vars: ComposeVars,
  infra: HostInfrastructure,
): Record<string, string> {
  const { env, errors } = resolvedEnvironment(compose, name, vars);
  if (errors.length > 0) throw new Error(`${name}: ${errors.join('; ')}`);
  const service = compose.services[name];
  const serviceName = service && builtServiceName(service);
  if (!serviceName) throw new Error(`${name} is not built from the Dockerfile`);
  const nodes = new Set(nodeServices(compose));
  const result: Record<string, string> = { SERVICE: serviceName };
  for (const [key, value] of Object.entries(env)) {
    const infrastructure = [...value.matchAll(SERVICE_ADDRESS)]
      .map((match) => match[1] as string)
      .find((host) => host in INFRASTRUCTURE_VARIABLES);
    if (infrastructure) {
      const replacement = INFRASTRUCTURE_VARIABLES[infrastructure]?.(infra);
      if (replacement !== undefined) result[key] = replacement;
      continue;
    }
    if (key === 'PORT') {
      result[key] = String(Number(value) + infra.portOffset);
      continue;
    }
    result[key] = value.replace(SERVICE_ADDRESS, (match, host: string, port: string) =>
      nodes.has(host) ? `127.0.0.1:${Number(port) + infra.portOffset}` : match,
    );
  }
  if (result.REDIS_URL !== undefined) result.REDIS_KEY_PREFIX = infra.redisKeyPrefix;
  return result;
}

/** The Node services, each after the Node services it depends on (compose `depends_on`). */
export function nodeServicesInStartOrder(compose: ComposeFile): string[] {
  const nodes = nodeServices(compose);
  const ordered: string[] = [];
  const visit = (name: string, path: string[]) => {
    if (ordered.includes(name)) return;
    if (path.includes(name)) throw new Error(`depends_on cycle: ${[...path, name].join(' -> ')}`);
    const service = compose.services[name];
    for (const dependency of Object.keys(service ? dependenciesOf(service) : {})) {
      if (nodes.includes(dependency)) visit(dependency, [...path, name]);
    }
    ordered.push(name);
  };
  for (const name of nodes) visit(name, []);
  return ordered;
}

/** An environment as a `docker run --env-file` file (values taken literally, one per line). */
export function envFile(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([key, value]) => {
      if (/[\r\n]/.test(value)) throw new Error(`${key}: a value with a line break`);
      return `${key}=${value}\n`;
    })
    .join('');
}
