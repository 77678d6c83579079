import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { K8sObject } from './objects';

/**
 * A small Kustomize: renders a kustomization directory the way `kubectl kustomize` does for the
 * fields our files use, and refuses any other field (so a file edited beyond this subset fails
 * loudly instead of rendering differently from kustomize). Fields: `resources` (files or
 * kustomization directories), `namespace`, `images` (newName/newTag/digest) and `patches` with an
 * inline RFC 6902 JSON patch and a target by kind and optional name.
 */
export interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  patches?: { target: { kind: string; name?: string }; patch: string }[];
}

export interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'images', 'patches']);

export class KustomizeError extends Error {}

/** Reads `kustomization.yaml` of a directory, refusing fields outside the supported subset. */
export function readKustomization(dir: string): Kustomization {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new KustomizeError(`${dir}: no kustomization.yaml`);
  const parsed = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  for (const key of Object.keys(parsed)) {
    if (!SUPPORTED.has(key)) throw new KustomizeError(`${file}: field ${key} is not supported`);
  }
  return parsed as Kustomization;
}

/** The objects of a YAML file with one or more documents. */
export function parseObjects(text: string, source: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((document) => {
      if (document.errors.length > 0) {
        throw new KustomizeError(`${source}: ${document.errors[0]?.message ?? 'bad YAML'}`);
      }
      return document.toJS() as K8sObject | null;
    })
    .filter((object): object is K8sObject => object !== null);
}

const decodePointer = (path: string) =>
  path
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));

/** Applies one RFC 6902 operation in place (add, replace, remove, test). */
export function applyJsonPatchOp(document: unknown, op: JsonPatchOp): void {
  const tokens = decodePointer(op.path);
  const last = tokens.pop();
  if (last === undefined) throw new KustomizeError(`patch path ${op.path} targets the root`);
  let parent: unknown = document;
  for (const token of tokens) {
    const next: unknown = (parent as Record<string, unknown> | undefined)?.[token];
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new KustomizeError(`patch path ${op.path}: ${token} does not exist`);
    }
    parent = next;
  }
  const isArray = Array.isArray(parent);
  const list = parent as unknown[];
  const record = parent as Record<string, unknown>;
  const index = isArray ? (last === '-' ? list.length : Number(last)) : -1;
  if (isArray && (!Number.isInteger(index) || index < 0 || index > list.length)) {
    throw new KustomizeError(`patch path ${op.path}: bad array index`);
  }
  const exists = isArray ? index < list.length : last in record;
  switch (op.op) {
    case 'add':
      if (isArray) list.splice(index, 0, structuredClone(op.value));
      else record[last] = structuredClone(op.value);
      return;
    case 'replace':
      if (!exists) throw new KustomizeError(`patch replace ${op.path}: nothing to replace`);
      if (isArray) list[index] = structuredClone(op.value);
      else record[last] = structuredClone(op.value);
      return;
    case 'remove':
      if (!exists) throw new KustomizeError(`patch remove ${op.path}: nothing to remove`);
      if (isArray) list.splice(index, 1);
      else delete record[last];
      return;
    case 'test': {
      const current = isArray ? list[index] : record[last];
      if (JSON.stringify(current) !== JSON.stringify(op.value)) {
        throw new KustomizeError(`patch test ${op.path} failed`);
      }
      return;
    }
    default:
      throw new KustomizeError(`patch op ${String((op as { op: unknown }).op)} not supported`);
  }
}

/** Container and init-container images of a workload's pod template. */
function podContainers(object: K8sObject): { image?: string }[] {
  const spec = (object.spec as { template?: { spec?: Record<string, unknown> } } | undefined)
    ?.template?.spec;
  return [
    ...((spec?.containers as { image?: string }[] | undefined) ?? []),
    ...((spec?.initContainers as { image?: string }[] | undefined) ?? []),
  ];
}

function setImages(objects: K8sObject[], images: NonNullable<Kustomization['images']>): void {
  for (const object of objects) {
    for (const container of podContainers(object)) {
      if (!container.image) continue;
      const name = container.image.replace(/[:@].*$/, '');
      const rule = images.find((image) => image.name === name);
      if (!rule) continue;
      const suffix = rule.digest
        ? `@${rule.digest}`
        : rule.newTag
          ? `:${rule.newTag}`
          : container.image.slice(name.length);
      container.image = `${rule.newName ?? name}${suffix}`;
    }
  }
}

/** Kinds that are not namespaced, among those kustomize knows (ours are all namespaced). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
]);

/** Renders the kustomization in `dir`: every object, in resource order, transformed. */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const kustomization = readKustomization(root);
  const objects: K8sObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = resolve(root, resource);
    if (!existsSync(path)) throw new KustomizeError(`${root}: resource ${resource} not found`);
    if (statSync(path).isDirectory()) objects.push(...renderKustomization(path));
    else objects.push(...parseObjects(readFileSync(path, 'utf8'), path));
  }
  const seen = new Set<string>();
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.name}`;
    if (seen.has(id)) throw new KustomizeError(`${root}: ${id} is defined twice`);
    seen.add(id);
  }
  for (const { target, patch } of kustomization.patches ?? []) {
    const ops = parse(patch) as JsonPatchOp[];
    if (!Array.isArray(ops)) throw new KustomizeError(`${root}: only JSON 6902 patches`);
    const targets = objects.filter(
      (object) =>
        object.kind === target.kind &&
        (target.name === undefined || object.metadata.name === target.name),
    );
    if (targets.length === 0) {
      throw new KustomizeError(`${root}: patch target ${target.kind}/${target.name} not found`);
    }
    for (const object of targets) for (const op of ops) applyJsonPatchOp(object, op);
  }
  if (kustomization.images) setImages(objects, kustomization.images);
  if (kustomization.namespace) {
    for (const object of objects) {
      if (!CLUSTER_SCOPED.has(object.kind)) object.metadata.namespace = kustomization.namespace;
    }
  }
  return objects;
}

/** The kustomization directory of an overlay. */
export const overlayDir = (kubernetesDir: string, overlay: string) =>
  join(kubernetesDir, 'overlays', overlay);
