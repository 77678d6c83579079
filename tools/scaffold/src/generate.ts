import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { validateName, type SubgraphNames } from './names';
import {
  EMBEDDED_FILE,
  EMBEDDED_PACKAGE_FILE,
  GATEWAY_PORT,
  nextFreePort,
  patchEmbedded,
  patchEmbeddedPackage,
  patchRegistry,
  REGISTRY_FILE,
  registeredSubgraphs,
} from './patches';
import { declaredNames, renderSubgraph } from './templates';

/** A file at the root of the repository the scaffold lives in (for its .prettierrc). */
const OWN_ROOT = fileURLToPath(new URL('../../../package.json', import.meta.url));

/** A problem with the request (name, port, existing files): shown without a stack trace. */
export class ScaffoldError extends Error {
  override name = 'ScaffoldError';
}

export interface GenerateOptions {
  /** The new subgraph's name, e.g. `reviews` or `gift-cards`. */
  name: string;
  /** Repository root: where schema/, gateway/ and (by default) subgraphs/ are. */
  root: string;
  /** Where the subgraph folder is created; default `<root>/subgraphs`. */
  subgraphsDir?: string;
  /** Port when run alone and in the registry; default the highest registered port + 1. */
  port?: number;
  /** Typed resolvers from graphql-codegen; default: when `<root>/codegen.ts` exists. */
  codegen?: boolean;
}

/** One file to create or rewrite, with an absolute path. */
export interface PlannedFile {
  path: string;
  content: string;
  /** The current content of a patched file (absent for new files). */
  before?: string;
}

/** Everything `new:subgraph` would do, computed before anything is written. */
export interface Plan {
  names: SubgraphNames;
  port: number;
  root: string;
  /** The new subgraph's folder. */
  dir: string;
  codegen: boolean;
  files: PlannedFile[];
  patches: PlannedFile[];
}

const read = (path: string, what: string) => {
  if (!existsSync(path)) throw new ScaffoldError(`${what} not found at ${path}`);
  return readFileSync(path, 'utf8');
};

/** SDL files of the subgraphs under `dirs` (`<dir>/<name>/src/schema.graphql`). */
function existingSdls(dirs: string[]): Map<string, string> {
  const sdls = new Map<string, string>();
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name, 'src', 'schema.graphql');
      if (entry.isDirectory() && !sdls.has(entry.name) && existsSync(path))
        sdls.set(entry.name, readFileSync(path, 'utf8'));
    }
  }
  return sdls;
}

/** Type names and `Query`/`Mutation`/`Subscription` field names an SDL declares. */
export function sdlNames(text: string): { types: Set<string>; rootFields: Set<string> } {
  // Descriptions, strings and comments could contain anything that looks like a definition.
  const sdl = text
    .replace(/"""[\s\S]*?"""/g, '')
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/#.*$/gm, '');
  const types = new Set(
    [...sdl.matchAll(/(?:^|\s)(?:type|input|enum|interface|union|scalar)\s+(\w+)/g)].map(
      (m) => m[1]!,
    ),
  );
  const rootFields = new Set<string>();
  const roots = /(?:^|\s)(?:extend\s+)?type\s+(?:Query|Mutation|Subscription)\b[^{]*\{([^}]*)\}/g;
  for (const block of sdl.matchAll(roots)) {
    // Without argument lists (and directive arguments), field names are the words before `:`.
    let body = block[1] ?? '';
    for (let previous = ''; previous !== body;) {
      previous = body;
      body = body.replace(/\([^()]*\)/g, '');
    }
    for (const field of body.matchAll(/(\w+)\s*:/g)) rootFields.add(field[1]!);
  }
  return { types, rootFields };
}

/**
 * Formats a file like `pnpm format` would (.prettierrc); SQL, Markdown (ignored) and the
 * `.env.template` stay as they are.
 */
async function formatted(file: PlannedFile): Promise<PlannedFile> {
  if (/\.(sql|md|template)$/.test(file.path)) return file;
  // A root outside this repository (tests) without a .prettierrc is formatted like this one.
  const config = (await resolveConfig(file.path)) ?? (await resolveConfig(OWN_ROOT)) ?? {};
  return { ...file, content: await format(file.content, { ...config, filepath: file.path }) };
}

/**
 * Computes the files and patches, formatted with prettier; throws before anything is written
 * when something is off (name, port, existing folder, a missing anchor in a patched file).
 */
export async function planSubgraph(options: GenerateOptions): Promise<Plan> {
  const root = options.root;
  const subgraphsDir = options.subgraphsDir ?? join(root, 'subgraphs');
  const registry = read(join(root, REGISTRY_FILE), 'the subgraph registry');
  const embedded = read(join(root, EMBEDDED_FILE), "the embedded graph's map of subgraphs");
  const embeddedPackage = read(
    join(root, EMBEDDED_PACKAGE_FILE),
    "the embedded runner's package.json",
  );

  const registered = registeredSubgraphs(registry);
  const folders = existsSync(subgraphsDir)
    ? readdirSync(subgraphsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];
  const names = validateName(options.name, [...folders, ...registered.map((entry) => entry.name)]);
  const dir = join(subgraphsDir, names.name);
  if (existsSync(dir)) throw new ScaffoldError(`${dir} already exists`);

  const port = options.port ?? nextFreePort(registry);
  if (!Number.isInteger(port) || port <= GATEWAY_PORT || port > 65535)
    throw new ScaffoldError(`--port must be an integer from ${GATEWAY_PORT + 1} to 65535`);
  const clash = registered.find((entry) => entry.port === port);
  if (clash) throw new ScaffoldError(`port ${port} is already used by the ${clash.name} subgraph`);

  // The new SDL must not redefine another subgraph's types or root fields.
  const declared = declaredNames(names);
  for (const [other, sdl] of existingSdls([subgraphsDir, join(root, 'subgraphs')])) {
    const theirs = sdlNames(sdl);
    const type = declared.types.find((name) => theirs.types.has(name));
    if (type) throw new ScaffoldError(`type ${type} is already defined by the ${other} subgraph`);
    const field = declared.rootFields.find((name) => theirs.rootFields.has(name));
    if (field)
      throw new ScaffoldError(`root field ${field} is already defined by the ${other} subgraph`);
  }

  const codegen = options.codegen ?? existsSync(join(root, 'codegen.ts'));
  const files = renderSubgraph(names, { port, codegen }).map((file) => ({
    path: join(dir, file.path),
    content: file.content,
  }));
  const patches: PlannedFile[] = [
    {
      path: join(root, REGISTRY_FILE),
      before: registry,
      content: patchRegistry(registry, names, port),
    },
    {
      path: join(root, EMBEDDED_FILE),
      before: embedded,
      content: patchEmbedded(embedded, names),
    },
    {
      path: join(root, EMBEDDED_PACKAGE_FILE),
      before: embeddedPackage,
      content: patchEmbeddedPackage(embeddedPackage, names),
    },
  ];
  return {
    names,
    port,
    root,
    dir,
    codegen,
    files: await Promise.all(files.map(formatted)),
    patches: await Promise.all(patches.map(formatted)),
  };
}

/** Writes the new files (never over existing ones) and the patched files. */
export function applyPlan(plan: Plan): void {
  for (const file of plan.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.content, { flag: 'wx' });
  }
  for (const patch of plan.patches) {
    if (readFileSync(patch.path, 'utf8') !== patch.before)
      throw new ScaffoldError(`${patch.path} changed while the subgraph was generated; re-run`);
    writeFileSync(patch.path, patch.content);
  }
}

/** Lines of `after` that `before` does not have (for `--dry-run`). */
function addedLines(before: string, after: string): string[] {
  const old = new Set(before.split('\n'));
  return after.split('\n').filter((line) => !old.has(line));
}

/** What `--dry-run` prints. */
export function describePlan(plan: Plan): string {
  const rel = (path: string) => relative(plan.root, path) || path;
  const lines = [
    `subgraph ${plan.names.name} (${plan.names.packageName}), port ${plan.port}, Postgres schema ${plan.names.snake}, resolvers typed with ${plan.codegen ? 'graphql-codegen' : 'GraphQLResolverMap'}`,
    '',
    'would write:',
    ...plan.files.map(
      (file) => `  ${rel(file.path)} (${file.content.split('\n').length - 1} lines)`,
    ),
    '',
    'would patch:',
  ];
  for (const patch of plan.patches) {
    lines.push(`  ${rel(patch.path)}:`);
    for (const line of addedLines(patch.before ?? '', patch.content)) lines.push(`    + ${line}`);
  }
  return lines.join('\n');
}

/** A command the post steps run (injectable for tests); returns the exit status. */
export type Runner = (command: string, args: string[], cwd: string) => number;

export const runInherited: Runner = (command, args, cwd) =>
  spawnSync(command, args, { cwd, stdio: 'inherit' }).status ?? 1;

/** The generated Kubernetes manifests (`pnpm deploy:render --write` regenerates them). */
export const KUBERNETES_MANIFESTS_DIR = 'deploy/kubernetes';

/**
 * After writing: links the new package into the workspace
 * (`pnpm install --offline`, then `pnpm install`), regenerates resolver types when the root has a
 * `codegen.ts`, recomposes schema/supergraph.graphql, and regenerates the Kubernetes manifests
 * when the root has them (the AWS CDK app reads the registry itself: nothing to generate).
 */
export function runPostSteps(plan: Plan, run: Runner = runInherited): void {
  const step = (label: string, command: string, args: string[]) => {
    console.log(`\n> ${[command, ...args].join(' ')}`);
    if (run(command, args, plan.root) !== 0)
      throw new ScaffoldError(
        `${label} failed: the files are written; fix the problem and run \`${[command, ...args].join(' ')}\` again`,
      );
  };
  console.log('\n> pnpm install --offline');
  if (run('pnpm', ['install', '--offline'], plan.root) !== 0)
    step('pnpm install', 'pnpm', ['install']);
  if (plan.codegen) step('codegen', 'pnpm', ['codegen']);
  step('composition', 'pnpm', ['compose']);
  if (existsSync(join(plan.root, KUBERNETES_MANIFESTS_DIR))) {
    step('Kubernetes manifests', 'pnpm', ['deploy:render', '--write']);
  }
}

/** What to do after generating. */
export function nextSteps(plan: Plan): string {
  const { names, port } = plan;
  return `
Subgraph ${names.name} is ready (subgraphs/${names.name}, port ${port}). Next:

  pnpm --filter ${names.packageName} test        # its tests (PGlite; Postgres too with DATABASE_URL)
  pnpm --filter ${names.packageName} dev         # run it alone on port ${port}
  pnpm start                                      # the whole graph, now with ${names.name}
  pnpm exec tsc --noEmit -p subgraphs/${names.name} && pnpm exec eslint subgraphs/${names.name}

Then: rename the example entity ${names.pascal}Item to what the subgraph owns (SDL, migration,
tables, service, resolvers, test), run \`pnpm compose\`${plan.codegen ? ' and `pnpm codegen`' : ''}, and commit
schema/supergraph.graphql with the code. Declare the entity in \`owns\` in schema/src/subgraphs.ts
once another subgraph references it (schema/README.md § Nullability). The standalone gateway reads
SUBGRAPH_${names.constant}_URL from the registry already; the Kubernetes manifests (deploy/kubernetes,
regenerated above) and the AWS CDK app (deploy/aws) derive from the registry too; for Docker add the
service wherever the other subgraphs are listed (docker-compose.yml, packaging).`;
}
