import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  applyPlan,
  describePlan,
  nextSteps,
  planSubgraph,
  runPostSteps,
  ScaffoldError,
} from './generate';
import { InvalidNameError } from './names';
import { PatchError } from './patches';

const USAGE = `Usage: pnpm new:subgraph <name> [options]

Creates subgraphs/<name> (a tested example subgraph) and wires it into composition
(schema/src/subgraphs.ts), the embedded graph (apps/embedded/src/subgraphs.ts, apps/embedded/package.json),
then runs pnpm install, codegen (when codegen.ts exists) and pnpm compose.

Options:
  --port <n>             port when run alone and in the registry (default: highest + 1)
  --dry-run              print the files it would write and the lines it would add; change nothing
  --root <dir>           repository root (default: this repository)
  --subgraphs-dir <dir>  where to create the subgraph folder (default: <root>/subgraphs)
  --skip-post-steps      only write files: no pnpm install, codegen or compose
  -h, --help             this text`;

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      root: { type: 'string' },
      'subgraphs-dir': { type: 'string' },
      'skip-post-steps': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new ScaffoldError(`expected one subgraph name\n\n${USAGE}`);
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port))
      throw new ScaffoldError(`--port "${values.port}" is not a number`);
  }
  const plan = await planSubgraph({
    name: positionals[0] ?? '',
    root: values.root ?? REPO_ROOT,
    ...(values['subgraphs-dir'] ? { subgraphsDir: values['subgraphs-dir'] } : {}),
    ...(port === undefined ? {} : { port }),
  });
  if (values['dry-run']) {
    console.log(describePlan(plan));
    return 0;
  }
  applyPlan(plan);
  console.log(`wrote ${plan.files.length} files in ${plan.dir} and patched ${plan.patches.length}`);
  if (values['skip-post-steps']) {
    console.log('skipped pnpm install, codegen and pnpm compose (--skip-post-steps)');
  } else {
    runPostSteps(plan);
  }
  console.log(nextSteps(plan));
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected =
    error instanceof ScaffoldError ||
    error instanceof InvalidNameError ||
    error instanceof PatchError ||
    (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
  console.error(`new:subgraph: ${expected ? (error as Error).message : String(error)}`);
  if (!expected) console.error(error);
  process.exitCode = 1;
}
