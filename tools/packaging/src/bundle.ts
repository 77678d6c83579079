import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { SUBGRAPHS } from '@shop/schema';

/**
 * The production build of every service: one ESM bundle per service (`dist/<service>.js`, with
 * shared chunks) plus, in the repository layout, the files the code reads at run time and the
 * few packages that cannot be bundled. The result is what the Docker image runs
 * (`node dist/<service>.js`); `deploy/docker/README.md` explains the layout.
 */

/** Repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The services of the image: the gateway and every registered subgraph. */
export const SERVICES = ['gateway', ...SUBGRAPHS.map((entry) => entry.name)] as const;

/** A service's folder in the repository. */
export function serviceDir(service: string): string {
  return service === 'gateway' ? 'gateway' : `subgraphs/${service}`;
}

/**
 * Packages left out of the bundles and installed next to them instead, with the folder they are
 * resolved from. graphql: the code loads it through `createRequire` (CommonJS), and bundling the
 * ESM imports would make a second copy (one realm per process). pglite: WebAssembly and data
 * files found next to its modules; argon2: a native addon.
 */
export const EXTERNAL_PACKAGES: Record<string, string> = {
  graphql: 'gateway',
  '@electric-sql/pglite': 'infra/db',
  '@node-rs/argon2': 'subgraphs/user',
  // Optional native speed-ups and drivers the bundled code only tries to load.
  'pg-native': '',
};

/** Packages whose files are served as they are (GraphiQL's browser assets), not executed. */
const ASSET_PACKAGES: Record<string, string[]> = {
  graphiql: ['graphiql.min.js', 'graphiql.min.css'],
  react: ['umd/react.production.min.js'],
  'react-dom': ['umd/react-dom.production.min.js'],
};

/** Files the code reads at run time, relative to the repository root (folders copied whole). */
export function runtimeAssets(): string[] {
  return [
    'schema/supergraph.graphql',
    'schema/operations',
    'schema/README.md',
    'infra/db/src/pglite-worker.js',
    ...SUBGRAPHS.flatMap((entry) => [
      `subgraphs/${entry.name}/src/schema.graphql`,
      `subgraphs/${entry.name}/migrations`,
    ]),
  ];
}

/** Files of an external package the image never needs (sources maps, types, other formats). */
function keepPackageFile(name: string, path: string): boolean {
  if (/\.(map|d\.ts|d\.cts|d\.mts|md)$/.test(path)) return false;
  if (name === '@electric-sql/pglite') {
    // Only the pg_trgm extension is loaded (infra/db/src/pglite-worker.js).
    if (path.endsWith('.tar.gz')) return path.endsWith('/pg_trgm.tar.gz');
    if (path.endsWith('.cjs')) return false;
  }
  return true;
}

/**
 * Rewrites `import.meta.url` in each repository module to the URL of its source file relative to
 * the bundle, so `new URL('./schema.graphql', import.meta.url)` still finds the copied asset and
 * `createRequire(import.meta.url)` resolves from the module's own folder.
 */
function sourceUrlPlugin(outDir: string): Plugin {
  return {
    name: 'source-import-meta-url',
    setup(pluginBuild) {
      pluginBuild.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes('/node_modules/')) return undefined;
        const fromBundle = relative(outDir, args.path).split('\\').join('/');
        const contents = readFileSync(args.path, 'utf8').replace(
          /\bimport\.meta\.url\b/g,
          `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`,
        );
        return { contents, loader: 'ts' };
      });
    },
  };
}

/**
 * The folder of package `name` as Node resolves it from `fromDir` (the nearest
 * `node_modules/<name>` up the tree; symbolic links followed). Not `require.resolve`: packages
 * with an `exports` map may not export their package.json.
 */
function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

/** Copies an installed package and, recursively, the packages it depends on. */
function copyPackageClosure(
  name: string,
  fromDir: string,
  target: string,
  copied: Map<string, string>,
): void {
  const packageDir = findPackage(name, fromDir);
  if (packageDir === undefined) return; // an optional dependency not installed on this platform
  const manifestPath = join(packageDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    version: string;
    dependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
  };
  const previous = copied.get(name);
  if (previous !== undefined) {
    if (previous !== manifest.version)
      throw new Error(`${name}: both ${previous} and ${manifest.version} are needed`);
    return;
  }
  copied.set(name, manifest.version);
  cpSync(packageDir, join(target, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (source) =>
      !source.slice(packageDir.length).includes('/node_modules') &&
      keepPackageFile(name, source.slice(packageDir.length)),
  });
  const dependencies = { ...manifest.dependencies, ...manifest.optionalDependencies };
  for (const dependency of Object.keys(dependencies)) {
    copyPackageClosure(dependency, packageDir, target, copied);
  }
}

/** Copies only the listed files of a package (plus its package.json, for `require.resolve`). */
function copyAssetPackage(name: string, files: string[], target: string): void {
  const packageDir = findPackage(name, join(REPO_ROOT, 'gateway'));
  if (packageDir === undefined) throw new Error(`${name} is not installed for the gateway`);
  for (const file of ['package.json', ...files]) {
    const destination = join(target, 'node_modules', name, file);
    mkdirSync(dirname(destination), { recursive: true });
    cpSync(join(packageDir, file), destination, { dereference: true });
  }
}

/** Builds `target` (emptied first): bundles, assets and external packages. */
export async function bundleServices(target: string): Promise<void> {
  rmSync(target, { recursive: true, force: true });
  const outDir = join(target, 'dist');
  // Bundles are built as if they were in the repository, so the relative source URLs hold in
  // both places (target mirrors the repository layout).
  const virtualOutDir = join(REPO_ROOT, 'dist');
  await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: Object.fromEntries(
      SERVICES.map((service) => [service, join(REPO_ROOT, serviceDir(service), 'src/main.ts')]),
    ),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    keepNames: true,
    sourcemap: false,
    legalComments: 'none',
    external: [
      ...Object.keys(EXTERNAL_PACKAGES).flatMap((name) => [name, `${name}/*`]),
      // Optional peers of bundled packages; loaded inside try/catch when present.
      'bufferutil',
      'utf-8-validate',
    ],
    // CommonJS packages in an ESM bundle call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);",
    },
    plugins: [sourceUrlPlugin(virtualOutDir)],
    logLevel: 'warning',
  });
  for (const asset of runtimeAssets()) {
    const source = join(REPO_ROOT, asset);
    if (!existsSync(source)) throw new Error(`runtime asset ${asset} is missing`);
    cpSync(source, join(target, asset), { recursive: true });
  }
  const copied = new Map<string, string>();
  for (const [name, fromDir] of Object.entries(EXTERNAL_PACKAGES)) {
    if (fromDir) copyPackageClosure(name, join(REPO_ROOT, fromDir), target, copied);
  }
  for (const [name, files] of Object.entries(ASSET_PACKAGES)) copyAssetPackage(name, files, target);
  writeFileSync(
    join(target, 'package.json'),
    `${JSON.stringify({ name: 'shopgraph-image', private: true, type: 'module' }, null, 2)}\n`,
  );
}
