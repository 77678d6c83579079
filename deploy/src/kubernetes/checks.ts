import { REQUIRED_NODE_ENV, STANDARD_ENV } from '@shop/packaging';
import { SECRETS } from '../bindings';
import type { ServiceSpec } from '../services';
import { DRAIN_SECONDS, NAME_LABEL, PRE_STOP_SECONDS, type K8sObject } from './objects';

/*
 * Checks of rendered manifests against the code, in the spirit of tools/packaging's compose
 * checks: each returns a list of problems, empty when the manifests agree with the code.
 */

/** Sample values for the operator's Secret keys: the shape the services' schemas expect. */
export const SAMPLE_SECRET_VALUES: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://shopgraph:password@postgres.example.internal:5432/shopgraph',
  REDIS_URL: 'rediss://:password@redis.example.internal:6379',
  OPENSEARCH_URL: 'https://user:password@opensearch.example.internal:443',
  INTERNAL_JWK: '{"kty":"EC"}',
  AUTH_JWK: '{"kty":"EC"}',
  CART_TOKEN_SECRET: 'a-sample-secret-of-32-characters',
};

/** Variables a service gets besides its schema's (read by the OpenTelemetry SDK or the image). */
const EXTRA_ENV = [...STANDARD_ENV, 'SERVICE'];

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string };
      secretKeyRef?: { name: string; key: string };
    };
  }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } };
  securityContext?: { allowPrivilegeEscalation?: boolean; runAsNonRoot?: boolean };
}

interface PodSpec {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
}

const find = (objects: readonly K8sObject[], kind: string, name: string) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name);

const podSpecOf = (deployment: K8sObject) =>
  (deployment.spec as { template: { spec: PodSpec } }).template.spec;

const containerOf = (deployment: K8sObject): Container | undefined =>
  podSpecOf(deployment).containers[0];

/** Every service has each of its objects, and nothing else runs (no embedded databases). */
export function checkInventory(objects: readonly K8sObject[], services: readonly ServiceSpec[]) {
  const problems: string[] = [];
  const kinds = ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget'];
  for (const service of services) {
    for (const kind of [...kinds, 'NetworkPolicy']) {
      if (!find(objects, kind, service.name)) problems.push(`${service.name}: no ${kind}`);
    }
  }
  const names = new Set(services.map((service) => service.name));
  for (const object of objects) {
    if (kinds.includes(object.kind) && !names.has(object.metadata.name)) {
      problems.push(`${object.kind}/${object.metadata.name}: not a service of the registry`);
    }
    if (['StatefulSet', 'DaemonSet', 'Pod', 'Job'].includes(object.kind)) {
      problems.push(`${object.kind}/${object.metadata.name}: infrastructure must stay external`);
    }
    if (object.kind === 'Secret') {
      problems.push(`Secret/${object.metadata.name}: secret values must not be committed`);
    }
  }
  return problems;
}

/**
 * Each Deployment: one container on the service's port, its Service on the same port, probes on
 * /readyz and /healthz, requests and limits, non-root, a grace period above preStop + drain, the
 * HPA and PDB pointing at it.
 */
export function checkWorkloads(objects: readonly K8sObject[], services: readonly ServiceSpec[]) {
  const problems: string[] = [];
  for (const service of services) {
    const p = (message: string) => problems.push(`${service.name}: ${message}`);
    const deployment = find(objects, 'Deployment', service.name);
    const container = deployment && containerOf(deployment);
    if (!deployment || !container) continue;
    const pod = podSpecOf(deployment);
    const ports = container.ports ?? [];
    if (ports.length !== 1 || ports[0]?.containerPort !== service.port) {
      p(`container ports ${JSON.stringify(ports)}, expected ${service.port}`);
    }
    const svc = find(objects, 'Service', service.name)?.spec as
      { ports?: { port: number; targetPort?: string | number }[]; selector?: object } | undefined;
    if (svc?.ports?.length !== 1 || svc.ports[0]?.port !== service.port) {
      p(`Service ports ${JSON.stringify(svc?.ports)}, expected ${service.port}`);
    }
    const selector = svc?.selector as Record<string, string> | undefined;
    if (selector?.[NAME_LABEL] !== service.name) p('Service does not select its pods');
    if (container.readinessProbe?.httpGet?.path !== '/readyz') p('readiness is not /readyz');
    if (container.livenessProbe?.httpGet?.path !== '/healthz') p('liveness is not /healthz');
    for (const part of ['requests', 'limits'] as const) {
      const resources = container.resources?.[part];
      if (!resources?.cpu || !resources.memory) p(`no cpu/memory ${part}`);
    }
    if (pod.securityContext?.runAsNonRoot !== true || !pod.securityContext.runAsUser) {
      p('does not run as a non-root user');
    }
    if (container.securityContext?.allowPrivilegeEscalation !== false) {
      p('allows privilege escalation');
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace <= PRE_STOP_SECONDS + DRAIN_SECONDS[service.kind]) {
      p(`terminationGracePeriodSeconds ${grace} does not cover preStop + SIGTERM drain`);
    }
    if (!container.image || !/[:@]/.test(container.image)) p('image has no tag or digest');
    const hpa = find(objects, 'HorizontalPodAutoscaler', service.name)?.spec as
      | {
          scaleTargetRef?: { kind: string; name: string };
          minReplicas?: number;
          maxReplicas: number;
        }
      | undefined;
    if (hpa?.scaleTargetRef?.kind !== 'Deployment' || hpa.scaleTargetRef.name !== service.name) {
      p('HorizontalPodAutoscaler does not scale its Deployment');
    } else if ((hpa.minReplicas ?? 1) > hpa.maxReplicas) p('HPA minReplicas > maxReplicas');
    const pdb = find(objects, 'PodDisruptionBudget', service.name)?.spec as
      { selector?: { matchLabels?: Record<string, string> } } | undefined;
    if (pdb?.selector?.matchLabels?.[NAME_LABEL] !== service.name) p('PDB does not select it');
  }
  return problems;
}

/**
 * The environment a service's container gets, resolved: ConfigMap keys from the rendered
 * ConfigMaps, Secret keys from {@link SAMPLE_SECRET_VALUES} (the Secret is the operator's).
 */
export function resolvedEnv(
  objects: readonly K8sObject[],
  serviceName: string,
): { env: Record<string, string>; problems: string[] } {
  const env: Record<string, string> = {};
  const problems: string[] = [];
  const deployment = find(objects, 'Deployment', serviceName);
  const container = deployment && containerOf(deployment);
  for (const variable of container?.env ?? []) {
    const configRef = variable.valueFrom?.configMapKeyRef;
    const secretRef = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) {
      problems.push(`${variable.name}: inline value (use the ConfigMap)`);
      env[variable.name] = variable.value;
    } else if (configRef) {
      const data = find(objects, 'ConfigMap', configRef.name)?.data as
        Record<string, string> | undefined;
      const value = data?.[configRef.key];
      if (value === undefined) {
        problems.push(`${variable.name}: ConfigMap ${configRef.name} has no ${configRef.key}`);
      } else env[variable.name] = value;
    } else if (secretRef) {
      const known = (Object.values(SECRETS) as string[]).includes(secretRef.name);
      const value = SAMPLE_SECRET_VALUES[secretRef.key];
      if (!known || value === undefined) {
        problems.push(`${variable.name}: unknown secret ${secretRef.name}/${secretRef.key}`);
      } else env[variable.name] = value;
    } else problems.push(`${variable.name}: no value`);
  }
  return { env, problems };
}

/**
 * Each service's resolved environment: only variables its env schema reads (or standard ones),
 * the OpenTelemetry ones set, and it parses with the schema: every required variable is set
 * and valid, it listens on 0.0.0.0 on the registry's port, in production mode.
 */
export function checkEnvironments(objects: readonly K8sObject[], services: readonly ServiceSpec[]) {
  const problems: string[] = [];
  for (const service of services) {
    const p = (message: string) => problems.push(`${service.name}: ${message}`);
    const { env, problems: envProblems } = resolvedEnv(objects, service.name);
    envProblems.forEach(p);
    for (const key of Object.keys(env)) {
      if (!(key in service.schema.shape) && !EXTRA_ENV.includes(key)) {
        p(`${key} is not read by the service (not in its env schema)`);
      }
    }
    for (const key of REQUIRED_NODE_ENV) if (!(key in env)) p(`${key} is not set`);
    if (env.OTEL_SERVICE_NAME !== service.name) p(`OTEL_SERVICE_NAME is ${env.OTEL_SERVICE_NAME}`);
    const result = service.schema.safeParse(env);
    if (!result.success) {
      for (const issue of result.error.issues) {
        p(`${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
      }
      continue;
    }
    const parsed = result.data as Record<string, unknown>;
    if (parsed.HOST !== '0.0.0.0') p(`listens on ${String(parsed.HOST)}, not 0.0.0.0`);
    if (parsed.PORT !== service.port) p(`PORT ${String(parsed.PORT)}, expected ${service.port}`);
    if (parsed.NODE_ENV !== 'production') p('NODE_ENV is not production');
  }
  return problems;
}

/** `SUBGRAPH_<NAME>_URL` of a subgraph name (hyphens become underscores). */
export const subgraphUrlVariable = (name: string) =>
  `SUBGRAPH_${name.toUpperCase().replaceAll('-', '_')}_URL`;

/**
 * Every URL a service is given points at a rendered Service, on that Service's port;
 * SUBGRAPH_<NAME>_URL at Service <name>'s /graphql, *_JWKS_URL at a JWKS; and the gateway has
 * the URL of every registered subgraph.
 */
export function checkServiceUrls(objects: readonly K8sObject[], services: readonly ServiceSpec[]) {
  const problems: string[] = [];
  for (const service of services) {
    const p = (message: string) => problems.push(`${service.name}: ${message}`);
    const { env } = resolvedEnv(objects, service.name);
    if (service.kind === 'gateway') {
      for (const subgraph of services.filter((candidate) => candidate.kind === 'subgraph')) {
        if (!env[subgraphUrlVariable(subgraph.name)]) {
          p(`${subgraphUrlVariable(subgraph.name)} is not set`);
        }
      }
    }
    for (const [key, value] of Object.entries(env)) {
      if (!key.endsWith('_URL') || key.startsWith('OTEL_') || SAMPLE_SECRET_VALUES[key]) continue;
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (!url) {
        p(`${key}: ${value} is not a URL`);
        continue;
      }
      const target = find(objects, 'Service', url.hostname)?.spec as
        { ports?: { port: number }[] } | undefined;
      if (!target) {
        p(`${key} points at ${url.hostname}, not a Service`);
        continue;
      }
      if (!target.ports?.some((port) => String(port.port) === url.port)) {
        p(`${key} uses port ${url.port}, not the port of Service ${url.hostname}`);
      }
      const subgraph = services.find((candidate) => subgraphUrlVariable(candidate.name) === key);
      if (key.startsWith('SUBGRAPH_')) {
        if (!subgraph || url.hostname !== subgraph.name) {
          p(`${key} points at ${url.hostname}, not ${subgraph?.name ?? 'a registered subgraph'}`);
        }
        if (url.pathname !== '/graphql') p(`${key} path is ${url.pathname}, not /graphql`);
      }
      if (key.endsWith('_JWKS_URL') && url.pathname !== '/.well-known/jwks.json') {
        p(`${key} path is ${url.pathname}, not a JWKS`);
      }
    }
  }
  return problems;
}

interface PolicyPeer {
  podSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  namespaceSelector?: unknown;
  ipBlock?: unknown;
}

interface PolicyRule {
  from?: PolicyPeer[];
  ports?: { port?: number | string; protocol?: string }[];
}

/**
 * What a NetworkPolicy admits: `anyone` (a rule without `from`), else the pod names its peers
 * select (by the name label), and the ports. Peers we cannot read exactly are reported.
 */
export function admittedBy(policy: K8sObject): {
  anyone: boolean;
  callers: string[];
  ports: number[];
  problems: string[];
} {
  const spec = policy.spec as { ingress?: PolicyRule[]; policyTypes?: string[] };
  const callers = new Set<string>();
  const ports = new Set<number>();
  const problems: string[] = [];
  let anyone = false;
  if (!spec.policyTypes?.includes('Ingress')) problems.push('does not isolate ingress');
  for (const rule of spec.ingress ?? []) {
    if (!rule.ports?.length) problems.push('a rule admits every port');
    for (const port of rule.ports ?? []) ports.add(Number(port.port));
    if (!rule.from?.length) {
      anyone = true;
      continue;
    }
    for (const peer of rule.from) {
      if (peer.namespaceSelector || peer.ipBlock) problems.push('a peer outside the namespace');
      const named = peer.podSelector?.matchLabels?.[NAME_LABEL];
      if (named) callers.add(named);
      for (const expression of peer.podSelector?.matchExpressions ?? []) {
        if (expression.key === NAME_LABEL && expression.operator === 'In') {
          expression.values?.forEach((value) => callers.add(value));
        } else problems.push(`selector ${expression.key} ${expression.operator} not understood`);
      }
      if (!named && !peer.podSelector?.matchExpressions?.length) {
        problems.push('a peer selects pods of every service');
      }
    }
  }
  return { anyone, callers: [...callers].sort(), ports: [...ports].sort(), problems };
}

/**
 * NetworkPolicies admit exactly the call paths: the gateway from anyone on its port only (the
 * public API); a subgraph only from its callers (`expectedCallers`, from the code) on its port.
 * A default-deny policy covers every ShopGraph pod.
 */
export function checkNetworkPolicies(
  objects: readonly K8sObject[],
  services: readonly ServiceSpec[],
  expectedCallers: Readonly<Record<string, readonly string[]>>,
) {
  const problems: string[] = [];
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const denyAll = policies.some((policy) => {
    const spec = policy.spec as { ingress?: unknown[]; policyTypes?: string[] };
    return spec.policyTypes?.includes('Ingress') && !spec.ingress?.length;
  });
  if (!denyAll) problems.push('no default-deny ingress policy');
  for (const service of services) {
    const p = (message: string) => problems.push(`${service.name}: ${message}`);
    const selecting = policies.filter((policy) => {
      const labels = (policy.spec as { podSelector?: { matchLabels?: Record<string, string> } })
        .podSelector?.matchLabels;
      return labels?.[NAME_LABEL] === service.name;
    });
    if (selecting.length !== 1) {
      p(`${selecting.length} NetworkPolicies select it, expected 1`);
      continue;
    }
    const admitted = admittedBy(selecting[0] as K8sObject);
    admitted.problems.forEach(p);
    if (JSON.stringify(admitted.ports) !== JSON.stringify([service.port])) {
      p(`admits ports ${admitted.ports.join(', ')}, expected ${service.port}`);
    }
    if (service.kind === 'gateway') {
      if (!admitted.anyone) p('the public gateway is not reachable');
      continue;
    }
    if (admitted.anyone) p('reachable from anyone');
    const expected = [...(expectedCallers[service.name] ?? [])].sort();
    if (JSON.stringify(admitted.callers) !== JSON.stringify(expected)) {
      p(`admits ${admitted.callers.join(', ') || 'nobody'}, expected ${expected.join(', ')}`);
    }
  }
  return problems;
}

/** Every check; empty when the rendered overlay agrees with the code. */
export function checkManifests(
  objects: readonly K8sObject[],
  services: readonly ServiceSpec[],
  expectedCallers: Readonly<Record<string, readonly string[]>>,
): string[] {
  return [
    ...checkInventory(objects, services),
    ...checkWorkloads(objects, services),
    ...checkEnvironments(objects, services),
    ...checkServiceUrls(objects, services),
    ...checkNetworkPolicies(objects, services, expectedCallers),
  ];
}
