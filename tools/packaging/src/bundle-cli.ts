import { resolve } from 'node:path';
import { bundleServices, REPO_ROOT } from './bundle';

/**
 * `pnpm bundle [target]`: the production build of every service into target (default
 * `dist/app` at the repository root), as the Docker image runs it: `node dist/<service>.js`.
 */
const target = resolve(process.argv[2] ?? resolve(REPO_ROOT, 'dist/app'));
const started = Date.now();
await bundleServices(target);
console.log(`[bundle] ${target} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
