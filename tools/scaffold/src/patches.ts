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

/** The gateway's port; in the embedded graph a subgraph listens on the gateway's + (port − 4000). */
export const GATEWAY_PORT = 4000;

export const REGISTRY_FILE = 'schema/src/subgraphs.ts';
export const EMBEDDED_FILE = 'apps/embedded/src/subgraphs.ts';
export const EMBEDDED_PACKAGE_FILE = 'apps/embedded/package.json';

const REGISTRY_START = /export const SUBGRAPHS = \[\n/;
const REGISTRY_ENTRY = /subgraph\('([^']+)', (\d+)/g;

/** The body of the `SUBGRAPHS` array literal (between `[` and the `] as const;` closing it). */
function registryBody(source: string): { start: number; end: number } {
  const open = REGISTRY_START.exec(source);
  if (!open) throw new PatchError(REGISTRY_FILE, 'cannot find `export const SUBGRAPHS = [`');
  const start = open.index + open[0].length;
  const end = source.indexOf('\n] as const;', start - 1);
  if (end < 0)
    throw new PatchError(REGISTRY_FILE, 'cannot find the `] as const;` closing SUBGRAPHS');
  return { start, end };
}

/** Names and ports of the registered subgraphs, in registry order. */
export function registeredSubgraphs(source: string): Array<{ name: string; port: number }> {
  const { start, end } = registryBody(source);
  const entries = [...source.slice(start, end).matchAll(REGISTRY_ENTRY)].map((match) => ({
    name: match[1] ?? '',
    port: Number(match[2]),
  }));
  if (entries.length === 0)
    throw new PatchError(REGISTRY_FILE, 'cannot read the names and ports of SUBGRAPHS');
  return entries;
}

/** The port after the highest one in the registry. */
export function nextFreePort(registrySource: string): number {
  return Math.max(...registeredSubgraphs(registrySource).map((entry) => entry.port)) + 1;
}

/** Appends `subgraph('<name>', <port>),` to the `SUBGRAPHS` array. */
export function patchRegistry(source: string, names: SubgraphNames, port: number): string {
  const registered = registeredSubgraphs(source);
  if (registered.some((entry) => entry.name === names.name))
    throw new PatchError(REGISTRY_FILE, `subgraph "${names.name}" is already registered`);
  const clash = registered.find((entry) => entry.port === port);
  if (clash) throw new PatchError(REGISTRY_FILE, `port ${port} is already used by ${clash.name}`);
  const { end } = registryBody(source);
  const before = source.slice(0, end);
  const separator = before.trimEnd().endsWith(',') ? '' : ',';
  return `${before.trimEnd()}${separator}\n  subgraph('${names.name}', ${port}),${source.slice(end)}`;
}

const LAST_IMPORT = /^import [^;]*;$/gm;
const MAP_END = /^\} satisfies Record<SubgraphName, EmbeddedSubgraph>;$/m;

/**
 * Adds the subgraph to the embedded graph's map name → definition (`pnpm start`, e2e tests),
 * which starts every registered subgraph in registry order: imports its definition and adds
 * `<name>: embed(<camel>Subgraph, …)` with no seed and no own options.
 */
export function patchEmbedded(source: string, names: SubgraphNames): string {
  const { camel, packageName, name } = names;
  const definition = `${camel}Subgraph`;
  if (source.includes(`'${packageName}'`))
    throw new PatchError(EMBEDDED_FILE, `${packageName} is already imported`);
  if (new RegExp(`\\b${definition}\\b`).test(source))
    throw new PatchError(
      EMBEDDED_FILE,
      `the identifier \`${definition}\` is already used there; choose another subgraph name`,
    );

  // 1. import its definition, after the last import
  const last = [...source.matchAll(LAST_IMPORT)].at(-1);
  if (!last || last.index === undefined)
    throw new PatchError(EMBEDDED_FILE, 'cannot find its import lines');
  const afterImports = last.index + last[0].length;
  let out = `${source.slice(0, afterImports)}\nimport { ${definition} } from '${packageName}';${source.slice(afterImports)}`;

  // 2. its entry, last in the map
  const end = MAP_END.exec(out);
  if (!end)
    throw new PatchError(
      EMBEDDED_FILE,
      'cannot find `} satisfies Record<SubgraphName, EmbeddedSubgraph>;`',
    );
  const key = /^[a-z][a-z0-9]*$/.test(name) ? name : `'${name}'`;
  const entry = `  ${key}: embed(${definition}, { prepare: nothing, options: nothing }),\n`;
  out = `${out.slice(0, end.index)}${entry}${out.slice(end.index)}`;
  return out;
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
