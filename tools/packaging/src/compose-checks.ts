import {
  builtServiceName,
  dependenciesOf,
  environmentOf,
  infraServices,
  interpolate,
  nodeServices,
  parsePort,
  servicesInProfile,
  type ComposeFile,
} from './compose';

/** The part of a zod object schema the checks use (keys and `safeParse`), without zod itself. */
export interface EnvSchema {
  shape: Record<string, unknown>;
  safeParse(
    input: unknown,
  ):
    | { success: true; data: unknown }
    | { success: false; error: { issues: readonly { path: PropertyKey[]; message: string }[] } };
}

/** What the compose file is checked against: the code's own configuration. */
export interface ServiceRegistry {
  /** Env schema of each Node service by its name (= compose service = `SERVICE` build arg). */
  schemas: Readonly<Record<string, EnvSchema>>;
  /** Names of the subgraphs the gateway composes (`SUBGRAPHS` in schema/src/subgraphs.ts). */
  subgraphs: readonly string[];
}

/** Variables the checks interpolate `${VAR}` with (the role of `.env`). */
export type ComposeVars = Readonly<Record<string, string | undefined>>;

/** The profile with every service, and the one with only the infrastructure. */
export const PROFILE_ALL = 'all';
export const PROFILE_INFRA = 'infra';

/**
 * Variables a Node service may receive without its env schema declaring them: the standard
 * OpenTelemetry SDK variables (read directly by @shop/telemetry) and NODE_ENV.
 */
export const STANDARD_ENV = [
  'NODE_ENV',
  'OTEL_SERVICE_NAME',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SDK_DISABLED',
  'OTEL_TRACES_EXPORTER',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
];

/** Variables every Node service must be given. */
export const REQUIRED_NODE_ENV = ['NODE_ENV', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT'];

/**
 * URL variables read lazily at request time whose target may start later (the subgraphs fetch
 * the gateway's JWKS on the first request; the gateway in turn waits for them), so no
 * depends_on is required for them.
 */
export const LAZY_URL_VARS = ['GATEWAY_JWKS_URL'];

/** Container ports of the infrastructure images (Kafka's come from its listeners). */
const IMAGE_PORTS: Record<string, number> = {
  postgres: 5432,
  redis: 6379,
  'opensearchproject/opensearch': 9200,
};

const DEFAULT_SCHEME_PORTS: Record<string, number> = {
  http: 80,
  https: 443,
  postgres: 5432,
  postgresql: 5432,
  redis: 6379,
};

const imageRepository = (image: string | undefined) =>
  (image ?? '')
    .replace(/^docker\.io\//, '')
    .replace(/^library\//, '')
    .split(':')[0] ?? '';

const isKafka = (image: string | undefined) => /(^|\/)kafka$/.test(imageRepository(image));

/** Every `all`-profile service has a healthcheck that is not disabled. */
export function checkHealthchecks(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const name of servicesInProfile(compose, PROFILE_ALL)) {
    const check = compose.services[name]?.healthcheck;
    const test = check?.test;
    if (!check || check.disable || !test || (Array.isArray(test) && test.length < 2)) {
      problems.push(`${name}: no healthcheck`);
    } else if (Array.isArray(test) && test[0] === 'NONE') {
      problems.push(`${name}: healthcheck disabled (NONE)`);
    }
  }
  for (const name of nodeServices(compose)) {
    const test = compose.services[name]?.healthcheck?.test;
    const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
    if (test && !/shop-service health|\/readyz/.test(text)) {
      problems.push(`${name}: healthcheck does not probe /readyz (shop-service health)`);
    }
  }
  return problems;
}

/**
 * depends_on: targets exist and start in every profile the dependent starts in, services with
 * a healthcheck are awaited with `service_healthy`, and the graph has no cycle.
 */
export function checkDependsOn(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const services = compose.services;
  for (const [name, service] of Object.entries(services)) {
    for (const [target, condition] of Object.entries(dependenciesOf(service))) {
      const dependency = services[target];
      if (!dependency) {
        problems.push(`${name}: depends on unknown service ${target}`);
        continue;
      }
      for (const profile of service.profiles ?? []) {
        if (!servicesInProfile(compose, profile).includes(target)) {
          problems.push(`${name}: depends on ${target}, which profile ${profile} does not start`);
        }
      }
      if (dependency.healthcheck && !dependency.healthcheck.disable) {
        if (condition !== 'service_healthy') {
          problems.push(`${name}: waits for ${target} with ${condition}, not service_healthy`);
        }
      } else if (condition === 'service_healthy') {
        problems.push(`${name}: waits for ${target} to be healthy, but it has no healthcheck`);
      }
    }
  }
  const cycle = findCycle(
    Object.fromEntries(
      Object.entries(services).map(([name, service]) => [
        name,
        Object.keys(dependenciesOf(service)).filter((target) => target in services),
      ]),
    ),
  );
  if (cycle) problems.push(`depends_on cycle: ${cycle.join(' -> ')}`);
  return problems;
}

/** A cycle of a directed graph as a path that starts and ends at the same node, or undefined. */
export function findCycle(
  graph: Readonly<Record<string, readonly string[]>>,
): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph[node] ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of Object.keys(graph)) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

/** `infra` starts exactly the infrastructure (the image services); `all` starts everything. */
export function checkProfiles(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const infra = new Set(infraServices(compose));
  const inInfra = new Set(servicesInProfile(compose, PROFILE_INFRA));
  for (const name of infra) {
    if (!inInfra.has(name)) problems.push(`${name}: infrastructure but not in profile infra`);
  }
  for (const name of inInfra) {
    if (!infra.has(name)) problems.push(`${name}: in profile infra but built from the Dockerfile`);
  }
  const inAll = new Set(servicesInProfile(compose, PROFILE_ALL));
  for (const name of Object.keys(compose.services)) {
    if (!inAll.has(name)) problems.push(`${name}: not in profile all`);
  }
  return problems;
}

/** Published ports: an explicit host port, bound to 127.0.0.1, no host port used twice. */
export function checkPorts(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const used = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    for (const entry of service.ports ?? []) {
      const port = parsePort(entry);
      if (!port.hostPort) {
        problems.push(`${name}: port ${port.containerPort} has no fixed host port`);
        continue;
      }
      if (port.hostIp !== '127.0.0.1') {
        problems.push(`${name}: host port ${port.hostPort} is not bound to 127.0.0.1`);
      }
      const key = `${port.hostPort}/${port.protocol}`;
      const owner = used.get(key);
      if (owner) problems.push(`${name}: host port ${key} is also published by ${owner}`);
      else used.set(key, name);
    }
  }
  return problems;
}

/** The interpolated environment of a service. */
export function resolvedEnvironment(
  compose: ComposeFile,
  name: string,
  vars: ComposeVars,
): { env: Record<string, string>; errors: string[] } {
  const service = compose.services[name];
  const env: Record<string, string> = {};
  const errors: string[] = [];
  for (const [key, raw] of Object.entries(service ? environmentOf(service) : {})) {
    const result = interpolate(raw, vars);
    env[key] = result.value;
    errors.push(...result.errors.map((error) => `${key}: ${error}`));
  }
  return { env, errors };
}

/** The environment of a Node service parsed by its own schema, or the schema's complaints. */
function parseNodeEnv(
  compose: ComposeFile,
  name: string,
  registry: ServiceRegistry,
  vars: ComposeVars,
): { parsed?: Record<string, unknown>; problems: string[] } {
  const service = compose.services[name];
  const serviceName = service ? builtServiceName(service) : undefined;
  const schema = serviceName === undefined ? undefined : registry.schemas[serviceName];
  if (!schema) return { problems: [] };
  const { env, errors } = resolvedEnvironment(compose, name, vars);
  const result = schema.safeParse(env);
  if (result.success) {
    return { parsed: result.data as Record<string, unknown>, problems: errors };
  }
  return {
    problems: [
      ...errors,
      ...result.error.issues.map(
        (issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`,
      ),
    ],
  };
}

/**
 * Each Node service: built as a known service of the same name, every variable it is given is
 * one its env schema reads (or a standard one), the OpenTelemetry variables are set, and the
 * interpolated environment parses with the schema and listens on 0.0.0.0.
 */
export function checkNodeEnvironments(
  compose: ComposeFile,
  registry: ServiceRegistry,
  vars: ComposeVars,
): string[] {
  const problems: string[] = [];
  for (const name of nodeServices(compose)) {
    const service = compose.services[name];
    if (!service) continue;
    const serviceName = builtServiceName(service);
    const schema = serviceName === undefined ? undefined : registry.schemas[serviceName];
    if (serviceName !== name) {
      problems.push(`${name}: built with SERVICE=${serviceName ?? '(unset)'}, not ${name}`);
    }
    if (!schema) {
      problems.push(`${name}: no env schema for service ${serviceName ?? '(unset)'}`);
      continue;
    }
    const env = environmentOf(service);
    for (const key of Object.keys(env)) {
      if (!(key in schema.shape) && !STANDARD_ENV.includes(key)) {
        problems.push(`${name}: ${key} is not read by the service (not in its env schema)`);
      }
    }
    for (const key of REQUIRED_NODE_ENV) {
      if (!(key in env)) problems.push(`${name}: ${key} is not set`);
    }
    if (env.OTEL_SERVICE_NAME !== undefined && env.OTEL_SERVICE_NAME !== name) {
      problems.push(`${name}: OTEL_SERVICE_NAME is ${env.OTEL_SERVICE_NAME}`);
    }
    const { parsed, problems: envProblems } = parseNodeEnv(compose, name, registry, vars);
    problems.push(...envProblems.map((problem) => `${name}: ${problem}`));
    if (parsed && parsed.HOST !== '0.0.0.0') {
      problems.push(
        `${name}: listens on ${String(parsed.HOST)}, unreachable from other containers`,
      );
    }
    if (parsed && env.NODE_ENV !== 'production') {
      problems.push(`${name}: NODE_ENV is not production`);
    }
  }
  return problems;
}

interface Endpoint {
  host: string;
  port: number;
}

/** Kafka listeners `NAME://host:port,...` (an empty host means every interface). */
export function parseListeners(value: string | undefined): (Endpoint & { name: string })[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^([A-Za-z0-9_]+):\/\/(.*):(\d+)$/.exec(entry);
      return {
        name: match?.[1] ?? entry,
        host: match?.[2] ?? '',
        port: Number(match?.[3] ?? Number.NaN),
      };
    });
}

/** Where a service can be reached inside the compose network: host → accepted ports. */
function endpointsOf(compose: ComposeFile, registry: ServiceRegistry, vars: ComposeVars) {
  const endpoints = new Map<string, number[]>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (service.build !== undefined) {
      const { parsed } = parseNodeEnv(compose, name, registry, vars);
      if (parsed && typeof parsed.PORT === 'number') endpoints.set(name, [parsed.PORT]);
    } else if (isKafka(service.image)) {
      const advertised = parseListeners(environmentOf(service).KAFKA_ADVERTISED_LISTENERS);
      endpoints.set(
        name,
        advertised.filter((listener) => listener.host === name).map((listener) => listener.port),
      );
    } else {
      const port = IMAGE_PORTS[imageRepository(service.image)];
      if (port !== undefined) endpoints.set(name, [port]);
    }
  }
  return endpoints;
}

/** The endpoints a variable points at: a URL, or Kafka's comma-separated host:port list. */
function targetsOf(key: string, value: string): { endpoint?: Endpoint; url?: URL; bad?: string }[] {
  if (key === 'KAFKA_BROKERS') {
    return value
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0)
      .map((broker) => {
        const match = /^([^:]+):(\d+)$/.exec(broker);
        return match
          ? { endpoint: { host: match[1] as string, port: Number(match[2]) } }
          : { bad: `broker ${broker} is not host:port` };
      });
  }
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [{ bad: `${value} is not a URL` }];
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port ? Number(url.port) : DEFAULT_SCHEME_PORTS[scheme];
  if (port === undefined) return [{ bad: `${value}: unknown default port of ${scheme}` }];
  return [{ endpoint: { host: url.hostname, port }, url }];
}

/**
 * Every URL (and Kafka broker) a Node service is given points at a compose service that the
 * same profile starts, on the port that service listens on (a Node service's parsed PORT);
 * SUBGRAPH_<NAME>_URL at service <name>'s /graphql, *_JWKS_URL at a /.well-known/jwks.json;
 * and the service waits for what it connects to (depends_on), except for LAZY_URL_VARS.
 */
export function checkServiceUrls(
  compose: ComposeFile,
  registry: ServiceRegistry,
  vars: ComposeVars,
): string[] {
  const problems: string[] = [];
  const endpoints = endpointsOf(compose, registry, vars);
  for (const name of nodeServices(compose)) {
    const service = compose.services[name];
    if (!service) continue;
    const deps = dependenciesOf(service);
    const { env } = resolvedEnvironment(compose, name, vars);
    for (const [key, value] of Object.entries(env)) {
      if (key.startsWith('OTEL_')) continue;
      for (const target of targetsOf(key, value)) {
        if (target.bad) {
          problems.push(`${name}: ${key}: ${target.bad}`);
          continue;
        }
        const { host, port } = target.endpoint as Endpoint;
        const accepted = endpoints.get(host);
        if (!compose.services[host]) {
          problems.push(`${name}: ${key} points at ${host}, not a compose service`);
          continue;
        }
        for (const profile of service.profiles ?? []) {
          if (!servicesInProfile(compose, profile).includes(host)) {
            problems.push(`${name}: ${key} points at ${host}, which profile ${profile} omits`);
          }
        }
        if (!accepted?.includes(port)) {
          problems.push(
            `${name}: ${key} uses port ${port}, but ${host} listens on ${accepted?.join(', ') || 'no known port'}`,
          );
        }
        if (host !== name && !(host in deps) && !LAZY_URL_VARS.includes(key)) {
          problems.push(`${name}: ${key} points at ${host} but ${name} does not depend on it`);
        }
        const subgraph = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)?.[1]?.toLowerCase();
        if (subgraph !== undefined) {
          if (host !== subgraph)
            problems.push(`${name}: ${key} points at ${host}, not ${subgraph}`);
          if (target.url?.pathname !== '/graphql') {
            problems.push(`${name}: ${key} path is ${target.url?.pathname}, not /graphql`);
          }
        }
        if (key.endsWith('_JWKS_URL') && target.url?.pathname !== '/.well-known/jwks.json') {
          problems.push(`${name}: ${key} path is ${target.url?.pathname}, not a JWKS`);
        }
      }
    }
  }
  return problems;
}

/** The gateway routes to every registered subgraph, each of which runs as a compose service. */
export function checkGatewaySubgraphs(
  compose: ComposeFile,
  registry: ServiceRegistry,
  gateway = 'gateway',
): string[] {
  const problems: string[] = [];
  const service = compose.services[gateway];
  if (!service) return [`no ${gateway} service`];
  const env = environmentOf(service);
  const schema = registry.schemas[gateway];
  for (const subgraph of registry.subgraphs) {
    const key = `SUBGRAPH_${subgraph.toUpperCase()}_URL`;
    if (!(key in env)) problems.push(`${gateway}: ${key} is not set`);
    if (schema && !(key in schema.shape)) problems.push(`${gateway}: its schema lacks ${key}`);
    const runner = Object.entries(compose.services).find(
      ([, candidate]) => builtServiceName(candidate) === subgraph,
    );
    if (!runner) problems.push(`subgraph ${subgraph} has no compose service`);
  }
  for (const key of Object.keys(env)) {
    const subgraph = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key)?.[1]?.toLowerCase();
    if (subgraph !== undefined && !registry.subgraphs.includes(subgraph)) {
      problems.push(`${gateway}: ${key} names no registered subgraph`);
    }
  }
  return problems;
}

/**
 * Values that must be the same in several services, as written: the internal signing key
 * (the gateway signs with it, the services sign their service tokens with it and are verified
 * against the gateway's JWKS) and the guest cart token secret (cart signs, notification checks).
 */
export const SHARED_VALUES: readonly (readonly string[])[] = [
  ['GATEWAY_PRIVATE_JWK', 'INTERNAL_PRIVATE_JWK'],
  ['CART_TOKEN_SECRET'],
];

export function checkSharedValues(compose: ComposeFile): string[] {
  const problems: string[] = [];
  for (const group of SHARED_VALUES) {
    const seen = new Map<string, string[]>();
    for (const [name, service] of Object.entries(compose.services)) {
      const env = environmentOf(service);
      for (const key of group) {
        const value = env[key];
        if (value !== undefined) seen.set(value, [...(seen.get(value) ?? []), `${name}.${key}`]);
      }
    }
    if (seen.size > 1) {
      problems.push(
        `${group.join('/')} differ: ${[...seen.values()].map((users) => users.join(', ')).join(' vs ')}`,
      );
    }
  }
  return problems;
}

/**
 * A single-node KRaft Kafka: broker and controller roles, its node id among the quorum voters at
 * its own name and controller port, listeners and advertised listeners consistent with the
 * security protocol map, an in-network advertised listener at the service name, and internal
 * topics with replication factor 1.
 */
export function checkKafka(compose: ComposeFile): string[] {
  const problems: string[] = [];
  const kafkas = Object.entries(compose.services).filter(([, service]) => isKafka(service.image));
  if (kafkas.length === 0) return ['no Kafka service'];
  for (const [name, service] of kafkas) {
    const env = environmentOf(service);
    const p = (message: string) => problems.push(`${name}: ${message}`);
    const nodeId = env.KAFKA_NODE_ID;
    if (!nodeId || !/^\d+$/.test(nodeId)) p('KAFKA_NODE_ID is not a number');
    const roles = (env.KAFKA_PROCESS_ROLES ?? '').split(',').map((role) => role.trim());
    if (!roles.includes('broker') || !roles.includes('controller')) {
      p('KAFKA_PROCESS_ROLES must be broker,controller (single-node KRaft)');
    }
    if (!/^[A-Za-z0-9_-]{22}$/.test(env.CLUSTER_ID ?? '')) {
      p('CLUSTER_ID is not a 22-character base64url id');
    }
    const listeners = parseListeners(env.KAFKA_LISTENERS);
    const advertised = parseListeners(env.KAFKA_ADVERTISED_LISTENERS);
    const protocols = new Map(
      (env.KAFKA_LISTENER_SECURITY_PROTOCOL_MAP ?? '')
        .split(',')
        .filter((entry) => entry.includes(':'))
        .map((entry) => entry.split(':').map((part) => part.trim()) as [string, string]),
    );
    for (const listener of listeners) {
      if (!protocols.has(listener.name)) p(`listener ${listener.name} has no security protocol`);
      if (!Number.isInteger(listener.port)) p(`listener ${listener.name} has no port`);
    }
    const controllerNames = (env.KAFKA_CONTROLLER_LISTENER_NAMES ?? '')
      .split(',')
      .map((value) => value.trim())
      .filter(Boolean);
    if (controllerNames.length === 0) p('KAFKA_CONTROLLER_LISTENER_NAMES is not set');
    for (const controller of controllerNames) {
      if (!listeners.some((listener) => listener.name === controller)) {
        p(`controller listener ${controller} is not in KAFKA_LISTENERS`);
      }
      if (advertised.some((listener) => listener.name === controller)) {
        p(`controller listener ${controller} must not be advertised`);
      }
    }
    for (const listener of advertised) {
      const own = listeners.find((candidate) => candidate.name === listener.name);
      if (!own) p(`advertised listener ${listener.name} is not in KAFKA_LISTENERS`);
      else if (own.port !== listener.port) {
        p(`advertised listener ${listener.name} port ${listener.port} != ${own.port}`);
      }
      if (listener.host !== name) {
        const published = (service.ports ?? [])
          .map(parsePort)
          .some((port) => port.hostPort === String(listener.port));
        if (!['127.0.0.1', 'localhost'].includes(listener.host) || !published) {
          p(
            `advertised listener ${listener.name} host ${listener.host} is neither ${name} nor a published loopback port`,
          );
        }
      }
    }
    if (!advertised.some((listener) => listener.host === name)) {
      p(`no advertised listener at ${name} for clients in the compose network`);
    }
    const interBroker = env.KAFKA_INTER_BROKER_LISTENER_NAME;
    if (interBroker && !advertised.some((listener) => listener.name === interBroker)) {
      p(`inter-broker listener ${interBroker} is not advertised`);
    }
    const voters = (env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '')
      .split(',')
      .map((voter) => /^(\d+)@(.+):(\d+)$/.exec(voter.trim()))
      .filter((match): match is RegExpExecArray => match !== null);
    const controllerPorts = listeners
      .filter((listener) => controllerNames.includes(listener.name))
      .map((listener) => listener.port);
    const self = voters.find((voter) => voter[1] === nodeId);
    if (!self) p(`KAFKA_NODE_ID ${nodeId} is not among KAFKA_CONTROLLER_QUORUM_VOTERS`);
    else {
      if (self[2] !== name) p(`quorum voter ${nodeId} is at ${self[2]}, not ${name}`);
      if (!controllerPorts.includes(Number(self[3]))) {
        p(`quorum voter ${nodeId} port ${self[3]} is not the controller listener's`);
      }
    }
    if (voters.length <= 1) {
      for (const key of [
        'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR',
        'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR',
        'KAFKA_TRANSACTION_STATE_LOG_MIN_ISR',
      ]) {
        if (env[key] !== '1') p(`${key} must be 1 on a single node`);
      }
    }
  }
  return problems;
}

/** Every compose check; an empty list means the file is consistent with the code. */
export function checkCompose(
  compose: ComposeFile,
  registry: ServiceRegistry,
  vars: ComposeVars,
): string[] {
  return [
    ...checkHealthchecks(compose),
    ...checkDependsOn(compose),
    ...checkProfiles(compose),
    ...checkPorts(compose),
    ...checkNodeEnvironments(compose, registry, vars),
    ...checkServiceUrls(compose, registry, vars),
    ...checkGatewaySubgraphs(compose, registry),
    ...checkSharedValues(compose),
    ...checkKafka(compose),
  ];
}
