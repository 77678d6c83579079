import { format } from 'prettier';
import { stringify } from 'yaml';
import type { ServiceSpec } from '../services';
import type { Kustomization } from './kustomize';
import { DEFAULT_DENY, objectsOf, SHARED_CONFIG_BASE, type K8sObject } from './objects';
import { OVERLAYS, overlayKustomization } from './overlays';

/** Where the generated Kustomize tree lives, relative to the repository root. */
export const KUBERNETES_DIR = 'deploy/kubernetes';

const HEADER =
  "# Generated from schema/src/subgraphs.ts and each service's src/env.ts by\n" +
  '# `pnpm deploy:render --write` (deploy/src/kubernetes). Do not edit: change the generator.\n';

const yamlDocs = (objects: readonly (K8sObject | Kustomization)[]) =>
  HEADER + objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');

/** Every file of deploy/kubernetes, by path relative to it, formatted as `pnpm format` would. */
export async function kubernetesFiles(
  services: readonly ServiceSpec[],
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  files['base/shared.yaml'] = yamlDocs([SHARED_CONFIG_BASE, DEFAULT_DENY]);
  for (const service of services) {
    files[`base/${service.name}.yaml`] = yamlDocs(objectsOf(services, service));
  }
  const base: Kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['shared.yaml', ...services.map((service) => `${service.name}.yaml`)],
  };
  files['base/kustomization.yaml'] = yamlDocs([base]);
  for (const [name, settings] of Object.entries(OVERLAYS)) {
    files[`overlays/${name}/kustomization.yaml`] = yamlDocs([
      overlayKustomization(services, settings),
    ]);
  }
  for (const [path, text] of Object.entries(files)) {
    files[path] = await format(text, { parser: 'yaml', ...PRETTIER_OPTIONS });
  }
  return files;
}

/** The repository's .prettierrc.json. */
const PRETTIER_OPTIONS = { singleQuote: true, trailingComma: 'all', printWidth: 100 } as const;
