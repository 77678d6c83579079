import { stringify } from 'yaml';
import { loadServices } from '../services';
import { kubernetesDrift, kubernetesRoot, writeKubernetesFiles } from './files';
import { overlayDir, renderKustomization } from './kustomize';
import { OVERLAYS } from './overlays';

/*
 * pnpm deploy:render <overlay>   print the rendered manifests of an overlay (dev, prod)
 * pnpm deploy:render --write     regenerate deploy/kubernetes from the registry and env schemas
 * pnpm deploy:render --check     exit 1 when deploy/kubernetes differs from the generator
 */
const usage = `usage: pnpm deploy:render <${Object.keys(OVERLAYS).join('|')}> | --write | --check`;

async function main(args: string[]): Promise<number> {
  const [arg] = args;
  if (arg === '--write' || arg === '--check') {
    const services = await loadServices();
    if (arg === '--write') {
      for (const path of await writeKubernetesFiles(services)) console.log(`wrote ${path}`);
      return 0;
    }
    const drift = await kubernetesDrift(services);
    for (const problem of drift) console.error(problem);
    if (drift.length > 0) console.error('run `pnpm deploy:render --write`');
    return drift.length > 0 ? 1 : 0;
  }
  if (arg === undefined || !(arg in OVERLAYS)) {
    console.error(usage);
    return 64;
  }
  const objects = renderKustomization(overlayDir(kubernetesRoot(), arg));
  process.stdout.write(objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n'));
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
