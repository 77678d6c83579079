import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubernetesDrift, kubernetesRoot, writeKubernetesFiles } from '../src/kubernetes/files';
import {
  checkEnvironments,
  checkInventory,
  checkManifests,
  checkNetworkPolicies,
  checkServiceUrls,
  checkWorkloads,
} from '../src/kubernetes/checks';
import {
  applyJsonPatchOp,
  KustomizeError,
  overlayDir,
  renderKustomization,
} from '../src/kubernetes/kustomize';
import { NAME_LABEL, type K8sObject } from '../src/kubernetes/objects';
import { OVERLAYS } from '../src/kubernetes/overlays';
import { validateObjects } from '../src/kubernetes/validate';
import type { ServiceSpec } from '../src/services';
import { repoServices, serviceNamed, withNewSubgraph, withVariable } from './fixtures';

let services: ServiceSpec[];
let callers: Record<string, string[]>;
const rendered: Record<string, K8sObject[]> = {};

beforeAll(async () => {
  ({ services, callers } = await repoServices());
  for (const overlay of Object.keys(OVERLAYS)) {
    rendered[overlay] = renderKustomization(overlayDir(kubernetesRoot(), overlay));
  }
});

/** The prod overlay's objects, copied, with one change. */
function broken(change: (objects: K8sObject[]) => void): K8sObject[] {
  const objects = structuredClone(rendered.prod ?? []);
  change(objects);
  return objects;
}

const object = (objects: K8sObject[], kind: string, name: string) => {
  const found = objects.find(
    (candidate) => candidate.kind === kind && candidate.metadata.name === name,
  );
  if (!found) throw new Error(`no ${kind}/${name}`);
  return found;
};

/** The first container of a Deployment, loosely typed for the tests' edits. */
const containerOf = (deployment: K8sObject): any =>
  (deployment.spec as { template: { spec: { containers: unknown[] } } }).template.spec
    .containers[0];

describe('deploy/kubernetes', () => {
  it('is what the generator makes from the registry and env schemas (pnpm deploy:render --write)', async () => {
    expect(await kubernetesDrift(services)).toEqual([]);
  });

  it.each(Object.keys(OVERLAYS))(
    'overlay %s: every object is valid per the Kubernetes OpenAPI schema',
    (overlay) => {
      const objects = rendered[overlay] ?? [];
      expect(objects.length).toBeGreaterThan(6 * services.length);
      expect(validateObjects(objects)).toEqual([]);
    },
  );

  it.each(Object.keys(OVERLAYS))(
    'overlay %s: agrees with the code (env, ports, URLs, call paths)',
    (overlay) => {
      expect(checkManifests(rendered[overlay] ?? [], services, callers)).toEqual([]);
    },
  );

  it('deploys the gateway and every registered subgraph, with the call paths the code declares', () => {
    const deployments = (rendered.prod ?? []).filter((o) => o.kind === 'Deployment');
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      services.map((s) => s.name).sort(),
    );
    expect(callers).toMatchObject({
      product: ['cart', 'gateway', 'order'],
      cart: ['gateway', 'order'],
      order: ['gateway', 'payment'],
      user: ['gateway'],
    });
  });

  it('overlays differ in namespace, image tag, seeding and scale; secrets are only referenced', () => {
    const dev = rendered.dev ?? [];
    const prod = rendered.prod ?? [];
    expect(new Set(dev.map((o) => o.metadata.namespace))).toEqual(new Set(['shopgraph-dev']));
    expect(new Set(prod.map((o) => o.metadata.namespace))).toEqual(new Set(['shopgraph']));
    expect(containerOf(object(dev, 'Deployment', 'product')).image).toBe('shopgraph/product:dev');
    expect(containerOf(object(prod, 'Deployment', 'product')).image).toBe(
      'shopgraph/product:stable',
    );
    expect(object(dev, 'ConfigMap', 'shopgraph-shared').data).toMatchObject({ SEED: 'true' });
    expect(object(prod, 'ConfigMap', 'shopgraph-shared').data).toMatchObject({ SEED: 'false' });
    expect(object(prod, 'HorizontalPodAutoscaler', 'cart').spec).toMatchObject({ minReplicas: 3 });
    expect(object(dev, 'HorizontalPodAutoscaler', 'cart').spec).toMatchObject({ minReplicas: 1 });
    expect(prod.some((o) => o.kind === 'Secret')).toBe(false);
    const cartEnv = containerOf(object(prod, 'Deployment', 'cart')).env;
    expect(cartEnv).toContainEqual({
      name: 'CART_TOKEN_SECRET',
      valueFrom: { secretKeyRef: { name: 'shopgraph-keys', key: 'CART_TOKEN_SECRET' } },
    });
    expect(cartEnv).toContainEqual({
      name: 'DATABASE_URL',
      valueFrom: { secretKeyRef: { name: 'shopgraph-infra', key: 'DATABASE_URL' } },
    });
  });
});

describe('the manifest checks catch broken manifests', () => {
  it('a subgraph without a Deployment', () => {
    const objects = broken((o) => o.splice(o.indexOf(object(o, 'Deployment', 'payment')), 1));
    expect(checkInventory(objects, services)).toEqual(['payment: no Deployment']);
  });

  it('a schema-invalid object', () => {
    const objects = broken(
      (o) => (containerOf(object(o, 'Deployment', 'order')).ports[0].containerPort = '4004'),
    );
    expect(validateObjects(objects)).toEqual([
      expect.stringMatching(/^Deployment\/order: .*containerPort must be integer/),
    ]);
  });

  it('a container port, probe or grace period that does not match the service', () => {
    const objects = broken((o) => {
      containerOf(object(o, 'Deployment', 'cart')).ports[0].containerPort = 4999;
      containerOf(object(o, 'Deployment', 'user')).readinessProbe.httpGet.path = '/healthz';
      const gateway = object(o, 'Deployment', 'gateway').spec as {
        template: { spec: Record<string, unknown> };
      };
      delete gateway.template.spec.terminationGracePeriodSeconds;
    });
    expect(checkWorkloads(objects, services)).toEqual([
      'gateway: terminationGracePeriodSeconds 30 does not cover preStop + SIGTERM drain',
      'user: readiness is not /readyz',
      expect.stringMatching(/^cart: container ports .*4999.*expected 4003$/),
    ]);
  });

  it('a required variable missing: cart refuses to start in production without CART_TOKEN_SECRET', () => {
    const objects = broken((o) => {
      const container = containerOf(object(o, 'Deployment', 'cart'));
      container.env = container.env.filter((v: { name: string }) => v.name !== 'CART_TOKEN_SECRET');
    });
    expect(checkEnvironments(objects, services)).toEqual([
      'cart: CART_TOKEN_SECRET: CART_TOKEN_SECRET is required in production',
    ]);
  });

  it('a new required variable in an env schema that no binding provides', () => {
    const user = serviceNamed(services, 'user');
    const changed = services.map((s) =>
      s === user ? { ...user, schema: withVariable(user.schema, 'PAYMENT_PROVIDER_KEY', true) } : s,
    );
    expect(checkEnvironments(rendered.prod ?? [], changed)).toEqual([
      'user: PAYMENT_PROVIDER_KEY: Required',
    ]);
  });

  it('a variable the service does not read, and a ConfigMap key that does not exist', () => {
    const objects = broken((o) => {
      containerOf(object(o, 'Deployment', 'analytics')).env.push({
        name: 'REDIS_URL',
        valueFrom: { secretKeyRef: { name: 'shopgraph-infra', key: 'REDIS_URL' } },
      });
      containerOf(object(o, 'Deployment', 'notification')).env.push({
        name: 'SEED',
        valueFrom: { configMapKeyRef: { name: 'notification-env', key: 'SEED' } },
      });
    });
    expect(checkEnvironments(objects, services)).toEqual([
      'notification: SEED: ConfigMap notification-env has no SEED',
      'analytics: REDIS_URL is not read by the service (not in its env schema)',
    ]);
  });

  it('a subgraph URL at the wrong Service, port or path', () => {
    const objects = broken((o) => {
      const data = object(o, 'ConfigMap', 'gateway-env').data as Record<string, string>;
      data.SUBGRAPH_ORDER_URL = 'http://cart:4003/graphql';
      data.SUBGRAPH_CART_URL = 'http://cart:4999/graphql';
      data.SUBGRAPH_USER_URL = 'http://user:4001/';
      delete data.SUBGRAPH_ANALYTICS_URL;
    });
    expect(checkServiceUrls(objects, services)).toEqual([
      'gateway: SUBGRAPH_ANALYTICS_URL is not set',
      'gateway: SUBGRAPH_USER_URL path is /, not /graphql',
      'gateway: SUBGRAPH_CART_URL uses port 4999, not the port of Service cart',
      'gateway: SUBGRAPH_ORDER_URL points at cart, not order',
    ]);
  });

  it('a NetworkPolicy admitting a service that does not call the subgraph, or anyone', () => {
    const objects = broken((o) => {
      const spec = object(o, 'NetworkPolicy', 'payment').spec as {
        ingress: { from: { podSelector: { matchExpressions: { values: string[] }[] } }[] }[];
      };
      spec.ingress[0]?.from[0]?.podSelector.matchExpressions[0]?.values.push('cart');
      (object(o, 'NetworkPolicy', 'order').spec as { ingress: unknown[] }).ingress = [
        { ports: [{ port: 4004, protocol: 'TCP' }] },
      ];
    });
    expect(checkNetworkPolicies(objects, services, callers)).toEqual([
      'order: reachable from anyone',
      'order: admits nobody, expected gateway, payment',
      'payment: admits cart, gateway, expected gateway',
    ]);
  });

  it('a NetworkPolicy that forgets a caller the code has', () => {
    const objects = broken((o) => {
      const spec = object(o, 'NetworkPolicy', 'product').spec as {
        ingress: { from: { podSelector: { matchExpressions: { values: string[] }[] } }[] }[];
      };
      const expression = spec.ingress[0]?.from[0]?.podSelector.matchExpressions[0];
      if (expression) expression.values = expression.values.filter((name) => name !== 'order');
    });
    expect(checkNetworkPolicies(objects, services, callers)).toEqual([
      'product: admits cart, gateway, expected cart, gateway, order',
    ]);
  });
});

describe('a new registry entry needs nothing but the generator (pnpm new:subgraph runs it)', () => {
  let root: string;
  beforeAll(() => (root = mkdtempSync(join(tmpdir(), 'shop-deploy-'))));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('gets every object, reachable only from the gateway, and passes every check', async () => {
    const extended = withNewSubgraph(services);
    await writeKubernetesFiles(extended, root);
    const objects = renderKustomization(overlayDir(kubernetesRoot(root), 'prod'));
    expect(validateObjects(objects)).toEqual([]);
    expect(checkManifests(objects, extended, { ...callers, 'gift-cards': ['gateway'] })).toEqual(
      [],
    );
    const mine = objects.filter((o) => o.metadata.labels?.[NAME_LABEL] === 'gift-cards');
    expect(mine.map((o) => o.kind).sort()).toEqual([
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'NetworkPolicy',
      'PodDisruptionBudget',
      'Service',
    ]);
    expect(
      (object(objects, 'ConfigMap', 'gateway-env').data as Record<string, string>)
        .SUBGRAPH_GIFT_CARDS_URL,
    ).toBe('http://gift-cards:4010/graphql');
    expect(await kubernetesDrift(services, root)).toEqual(
      expect.arrayContaining(['base/gift-cards.yaml: not generated (stale)']),
    );
  });
});

describe('the Kustomize renderer', () => {
  it('applies RFC 6902 add, replace, remove and test', () => {
    const doc = { a: { list: [1, 2], value: 'x' } };
    applyJsonPatchOp(doc, { op: 'add', path: '/a/list/-', value: 3 });
    applyJsonPatchOp(doc, { op: 'add', path: '/a/list/0', value: 0 });
    applyJsonPatchOp(doc, { op: 'replace', path: '/a/value', value: 'y' });
    applyJsonPatchOp(doc, { op: 'remove', path: '/a/list/1' });
    applyJsonPatchOp(doc, { op: 'test', path: '/a/value', value: 'y' });
    expect(doc).toEqual({ a: { list: [0, 2, 3], value: 'y' } });
    expect(() => applyJsonPatchOp(doc, { op: 'replace', path: '/a/missing', value: 1 })).toThrow(
      KustomizeError,
    );
    expect(() => applyJsonPatchOp(doc, { op: 'add', path: '/b/c', value: 1 })).toThrow(
      KustomizeError,
    );
  });

  it('refuses a kustomization field it does not implement', async () => {
    const { writeFileSync, mkdtempSync: mk } = await import('node:fs');
    const dir = mk(join(tmpdir(), 'shop-kustomize-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'namePrefix: x-\nresources: []\n');
    expect(() => renderKustomization(dir)).toThrow(/field namePrefix is not supported/);
    rmSync(dir, { recursive: true, force: true });
  });
});
