import { spawnSync } from 'node:child_process';
import { kubernetesRoot } from './files';
import { overlayDir, parseObjects, renderKustomization } from './kustomize';
import type { K8sObject } from './objects';
import { OVERLAYS } from './overlays';

/*
 * pnpm --filter @shop/deploy compare:kubectl
 * Renders every overlay with `kubectl kustomize` and with our renderer and compares them object
 * by object. Needs kubectl (not a dependency, not run in CI): exits 2 without it, 1 on a difference.
 */
const canonical = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(canonical)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
        )
      : value;

const byId = (objects: readonly K8sObject[]) =>
  new Map(
    objects.map((object) => [
      `${object.kind}/${object.metadata.name}`,
      JSON.stringify(canonical(object)),
    ]),
  );

function compare(overlay: string): number {
  const dir = overlayDir(kubernetesRoot(), overlay);
  const kubectl = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (kubectl.error || kubectl.status !== 0) {
    console.error(`kubectl kustomize ${dir} failed: ${kubectl.error?.message ?? kubectl.stderr}`);
    return 2;
  }
  const theirs = byId(parseObjects(kubectl.stdout, 'kubectl kustomize'));
  const ours = byId(renderKustomization(dir));
  const differing = [...new Set([...theirs.keys(), ...ours.keys()])].filter(
    (id) => theirs.get(id) !== ours.get(id),
  );
  for (const id of differing) console.error(`${overlay}: ${id} differs`);
  console.log(
    `${overlay}: ${ours.size} objects, ${differing.length} differ from kubectl kustomize`,
  );
  return differing.length > 0 ? 1 : 0;
}

const kubectlVersion = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
if (kubectlVersion.error) {
  console.error('kubectl not found');
  process.exitCode = 2;
} else {
  console.log(kubectlVersion.stdout.trim());
  process.exitCode = Math.max(...Object.keys(OVERLAYS).map(compare));
}
