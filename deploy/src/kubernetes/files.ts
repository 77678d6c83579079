import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServiceSpec } from '../services';
import { KUBERNETES_DIR, kubernetesFiles } from './manifests';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The generated tree's directory on disk. */
export const kubernetesRoot = (root = REPO_ROOT) => join(root, KUBERNETES_DIR);

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/** Files that differ between deploy/kubernetes and the generator's output (empty = in sync). */
export async function kubernetesDrift(
  services: readonly ServiceSpec[],
  root = REPO_ROOT,
): Promise<string[]> {
  const dir = kubernetesRoot(root);
  const expected = await kubernetesFiles(services);
  const problems: string[] = [];
  for (const [path, text] of Object.entries(expected)) {
    const file = join(dir, path);
    if (!existsSync(file)) problems.push(`${path}: missing`);
    else if (readFileSync(file, 'utf8') !== text) problems.push(`${path}: differs`);
  }
  for (const path of listFiles(dir)) {
    if (!(path in expected)) problems.push(`${path}: not generated (stale)`);
  }
  return problems;
}

/** Rewrites deploy/kubernetes from the generator; returns the paths written. */
export async function writeKubernetesFiles(
  services: readonly ServiceSpec[],
  root = REPO_ROOT,
): Promise<string[]> {
  const dir = kubernetesRoot(root);
  const files = await kubernetesFiles(services);
  for (const path of listFiles(dir)) if (!(path in files)) rmSync(join(dir, path));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return Object.keys(files).map((path) => join(KUBERNETES_DIR, path));
}
