import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readSubgraphSdls } from './compose';
import { schemaCheckEnv } from './env';
import { OPERATIONS_DIR, readOperations } from './operations';
import {
  checkSchema,
  formatReport,
  parseAllowList,
  SchemaCheckError,
  type AllowEntry,
} from './schema-check';
import { SUPERGRAPH_PATH } from './subgraphs';

// `pnpm schema:check`: read-only (writes nothing; `pnpm compose` writes the supergraph).
// Exit 0: passed; 1: the schema check failed (report on stdout); 2: the check could not run
// (bad arguments, unreadable base, malformed allow-list).
const USAGE = `usage: schema-check [--base <git-ref>|none] [--base-file <supergraph.graphql>]
                    [--allow-list <file>] [--operations <dir>] [--json]
  --base        git ref whose schema/supergraph.graphql is the base of the diff
                (default: $SCHEMA_BASE_REF, else origin/main if it exists, else main);
                "none" skips the breaking-change diff
  --base-file   read the base supergraph from a file instead of git
  --allow-list  approved breaking changes (default: schema/breaking-changes.json)
  --operations  the operation registry (default: schema/operations)
  --json        print the report as JSON`;

const schemaDir = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_ALLOW_LIST = resolve(schemaDir, 'breaking-changes.json');

interface Options {
  base?: string;
  baseFile?: string;
  allowList: string;
  operations: string;
  json: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    allowList: DEFAULT_ALLOW_LIST,
    operations: OPERATIONS_DIR,
    json: false,
  };
  const args = argv.filter((arg) => arg !== '--');
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    const value = () => {
      const next = args[(i += 1)];
      if (next === undefined || next.startsWith('--'))
        throw new SchemaCheckError(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === '--base') options.base = value();
    else if (arg === '--base-file') options.baseFile = resolve(value());
    else if (arg === '--allow-list') options.allowList = resolve(value());
    else if (arg === '--operations') options.operations = resolve(value());
    else if (arg === '--json') options.json = true;
    else throw new SchemaCheckError(`unknown argument "${arg}"\n${USAGE}`);
  }
  if (options.base !== undefined && options.baseFile !== undefined)
    throw new SchemaCheckError('pass either --base or --base-file, not both');
  return options;
}

const git = (args: readonly string[]) =>
  execFileSync('git', args, {
    cwd: schemaDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const refExists = (ref: string) => {
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return true;
  } catch {
    return false;
  }
};

/** The base supergraph and a label for the report; `sdl: null` means no base (`--base none`). */
function readBase(options: Options): { sdl: string | null; label: string } {
  if (options.baseFile !== undefined) {
    try {
      return { sdl: readFileSync(options.baseFile, 'utf8'), label: options.baseFile };
    } catch (error) {
      throw new SchemaCheckError(`cannot read --base-file: ${(error as Error).message}`);
    }
  }
  const requested = options.base ?? schemaCheckEnv().baseRef;
  if (requested === 'none') return { sdl: null, label: 'no base (--base none)' };
  const ref = requested ?? ['origin/main', 'main'].find(refExists);
  if (ref === undefined)
    throw new SchemaCheckError(
      'no base to diff against: neither origin/main nor main exists in this clone (shallow or detached?). ' +
        'Fetch it (`git fetch --depth=1 origin main`), or pass --base <ref> / SCHEMA_BASE_REF=<ref>, ' +
        '--base-file <supergraph.graphql>, or --base none to skip the breaking-change diff.',
    );
  try {
    return { sdl: git(['show', `${ref}:./supergraph.graphql`]), label: ref };
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new SchemaCheckError(
      `cannot read schema/supergraph.graphql at "${ref}"${stderr ? ` (${stderr.split('\n')[0]})` : ''}. ` +
        'Fetch the ref, pass another --base <ref> or --base-file <path>, or --base none to skip the diff.',
    );
  }
}

function readAllowList(path: string): AllowEntry[] {
  if (path === DEFAULT_ALLOW_LIST && !existsSync(path)) return [];
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SchemaCheckError(`cannot read the allow-list: ${(error as Error).message}`);
  }
  return parseAllowList(text, path === DEFAULT_ALLOW_LIST ? undefined : path);
}

async function main(argv: readonly string[]): Promise<number> {
  const options = parseArgs(argv);
  const base = readBase(options);
  const allowList = readAllowList(options.allowList);
  const { operations, problems } = readOperations(options.operations);
  const committed = existsSync(SUPERGRAPH_PATH) ? readFileSync(SUPERGRAPH_PATH, 'utf8') : null;
  const report = await checkSchema({
    baseSupergraphSdl: base.sdl,
    subgraphs: readSubgraphSdls(),
    operations,
    registryProblems: problems,
    allowList,
    committedSupergraphSdl: committed,
  });
  console.log(
    options.json
      ? JSON.stringify({ base: base.label, ...report }, null, 2)
      : formatReport(report, base.label),
  );
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (!(error instanceof SchemaCheckError)) throw error;
    console.error(`schema check could not run: ${error.message}`);
    process.exitCode = 2;
  },
);
