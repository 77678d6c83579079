import type { SubgraphNames } from './names';

/**
 * Text transforms of the files that wire a subgraph into the graph. Each one finds its anchors
 * or throws a {@link PatchError} naming the file and the anchor, and refuses to apply twice.
 */
export class PatchError extends Error {
  override name = 'PatchError';
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
  }
}

/** The port the gateway of the embedded graph listens on; subgraph ports are offsets from it. */
export const GATEWAY_PORT = 4000;

export const REGISTRY_FILE = 'schema/src/subgraphs.ts';
export const EMBEDDED_FILE = 'apps/embedded/src/embedded.ts';
export const EMBEDDED_PACKAGE_FILE = 'apps/embedded/package.json';

const REGISTRY_START = /export const SUBGRAPHS: readonly SubgraphEntry\[\] = \[\n/;
const REGISTRY_URL = /defaultUrl: 'http:\/\/[^:'/]+:(\d+)\/graphql'/g;

/** The body of the `SUBGRAPHS` array literal (between `[` and the `];` that closes it). */
function registryBody(source: string): { start: number; end: number } {
  const open = REGISTRY_START.exec(source);
  if (!open) throw new PatchError(REGISTRY_FILE, 'cannot find `export const SUBGRAPHS: … = [`');
  const start = open.index + open[0].length;
  const end = source.indexOf('\n];', start - 1);
  if (end < 0) throw new PatchError(REGISTRY_FILE, 'cannot find the `];` closing SUBGRAPHS');
  return { start, end };
}

/** Names and ports of the registered subgraphs, in registry order. */
export function registeredSubgraphs(source: string): Array<{ name: string; port: number }> {
  const { start, end } = registryBody(source);
  const body = source.slice(start, end);
  const names = [...body.matchAll(/name: '([^']+)'/g)].map((match) => match[1] ?? '');
  const ports = [...body.matchAll(REGISTRY_URL)].map((match) => Number(match[1]));
  if (names.length === 0 || names.length !== ports.length)
    throw new PatchError(REGISTRY_FILE, 'cannot read the names and ports of SUBGRAPHS');
  return names.map((name, index) => ({ name, port: ports[index] ?? 0 }));
}

/** The port after the highest one in the registry. */
export function nextFreePort(registrySource: string): number {
  return Math.max(...registeredSubgraphs(registrySource).map((entry) => entry.port)) + 1;
}

/** Appends `{ name, defaultUrl, sdlPath }` to the `SUBGRAPHS` array. */
export function patchRegistry(source: string, names: SubgraphNames, port: number): string {
  const registered = registeredSubgraphs(source);
  if (registered.some((entry) => entry.name === names.name))
    throw new PatchError(REGISTRY_FILE, `subgraph "${names.name}" is already registered`);
  const clash = registered.find((entry) => entry.port === port);
  if (clash) throw new PatchError(REGISTRY_FILE, `port ${port} is already used by ${clash.name}`);
  const { end } = registryBody(source);
  const before = source.slice(0, end);
  const separator = before.trimEnd().endsWith(',') ? '' : ',';
  const entry = [
    '  {',
    `    name: '${names.name}',`,
    `    defaultUrl: 'http://127.0.0.1:${port}/graphql',`,
    `    sdlPath: sdl('${names.name}'),`,
    '  },',
  ].join('\n');
  return `${before.trimEnd()}${separator}\n${entry}${source.slice(end)}`;
}

const IMPORT_ANCHOR = /^import \{[^}]*\} from '@shop\/gateway';$/m;
const PREPARE_LINE = /^( *)await prepare\w+Database\(database[^;]*\);$/gm;
const SUBGRAPHS_RECORD =
  /^( *)const subgraphs: Record<string, RunningSubgraph> = \{\n([\s\S]*?)^\1\};$/m;

/**
 * Starts the subgraph in the embedded graph (`pnpm start`, e2e tests): imports its package,
 * migrates its schema with the others, starts it on `portFor(port - 4000)` and lists it in
 * `subgraphs` (which gives the gateway its URL).
 */
export function patchEmbedded(source: string, names: SubgraphNames, port: number): string {
  const { pascal, camel, packageName } = names;
  const prepare = `prepare${pascal}Database`;
  const start = `start${pascal}Subgraph`;
  if (source.includes(`'${packageName}'`))
    throw new PatchError(EMBEDDED_FILE, `${packageName} is already imported`);
  if (new RegExp(`\\b${camel}\\b`).test(source))
    throw new PatchError(
      EMBEDDED_FILE,
      `the identifier \`${camel}\` is already used there; choose another subgraph name`,
    );
  const offset = port - GATEWAY_PORT;
  if (offset < 1)
    throw new PatchError(EMBEDDED_FILE, `port ${port} must be above the gateway's ${GATEWAY_PORT}`);

  // 1. import, before the import of the gateway
  const anchor = IMPORT_ANCHOR.exec(source);
  if (!anchor)
    throw new PatchError(EMBEDDED_FILE, "cannot find `import { … } from '@shop/gateway';`");
  let out =
    `${source.slice(0, anchor.index)}import { ${prepare}, ${start} } from '${packageName}';\n` +
    source.slice(anchor.index);

  // 2. migration, after the last `await prepare…Database(database…);`
  const prepares = [...out.matchAll(PREPARE_LINE)];
  const last = prepares.at(-1);
  if (!last || last.index === undefined)
    throw new PatchError(EMBEDDED_FILE, 'cannot find `await prepare…Database(database);` lines');
  const afterPrepare = last.index + last[0].length;
  out = `${out.slice(0, afterPrepare)}\n${last[1]}await ${prepare}(database);${out.slice(afterPrepare)}`;

  // 3. start it before the `subgraphs` record and 4. list it there
  const record = SUBGRAPHS_RECORD.exec(out);
  if (!record)
    throw new PatchError(
      EMBEDDED_FILE,
      'cannot find `const subgraphs: Record<string, RunningSubgraph> = { … };`',
    );
  const indent = record[1] ?? '';
  const entries = (record[2] ?? '').trimEnd();
  const separator = entries === '' || entries.endsWith(',') ? '' : ',';
  const startLine = `${indent}const ${camel} = track(await ${start}({ ...common, port: portFor(${offset}) }));\n`;
  const newRecord =
    `${indent}const subgraphs: Record<string, RunningSubgraph> = {\n` +
    `${entries === '' ? '' : `${entries}${separator}\n`}${indent}  ${camel},\n${indent}};`;
  return `${out.slice(0, record.index)}${startLine}${newRecord}${out.slice(record.index + record[0].length)}`;
}

/** Adds `"<package>": "workspace:*"` to the embedded runner's dependencies, in name order. */
export function patchEmbeddedPackage(source: string, names: SubgraphNames): string {
  let pkg: { dependencies?: Record<string, string> };
  try {
    pkg = JSON.parse(source) as typeof pkg;
  } catch (error) {
    throw new PatchError(EMBEDDED_PACKAGE_FILE, `is not valid JSON (${(error as Error).message})`);
  }
  if (!pkg.dependencies) throw new PatchError(EMBEDDED_PACKAGE_FILE, 'has no "dependencies"');
  if (names.packageName in pkg.dependencies)
    throw new PatchError(EMBEDDED_PACKAGE_FILE, `already depends on ${names.packageName}`);
  // Inserted before the first dependency that sorts after it; the others keep their order.
  const entries = Object.entries(pkg.dependencies);
  const at = entries.findIndex(([name]) => name > names.packageName);
  entries.splice(at < 0 ? entries.length : at, 0, [names.packageName, 'workspace:*']);
  pkg.dependencies = Object.fromEntries(entries);
  return `${JSON.stringify(pkg, null, 2)}\n`;
}
