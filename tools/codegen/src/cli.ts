/**
 * `pnpm codegen [subgraph…]` writes `subgraphs/<name>/src/generated/resolvers-types.ts`;
 * `pnpm codegen:check` regenerates in memory and exits 1 naming every file that drifted.
 */
import { fileURLToPath } from 'node:url';
import { findDrift, writeResolverTypes } from './generate';

const args = process.argv.slice(2);
const check = args.includes('--check');
// `--root=<dir>`: another checkout (the tests use a temporary copy); default this repository.
const rootArg = args.find((arg) => arg.startsWith('--root='))?.slice('--root='.length);
const root = rootArg ?? fileURLToPath(new URL('../../../', import.meta.url));
const only = args.filter((arg) => !arg.startsWith('--'));

if (check) {
  const drift = await findDrift(root);
  if (drift.length > 0) {
    for (const { file, problem } of drift) console.error(`${problem.padEnd(7)} ${file}`);
    console.error(
      `\n${drift.length} generated file(s) out of date with the subgraph schemas. ` +
        'Run `pnpm codegen` and commit the result.',
    );
    process.exit(1);
  }
  console.log('Generated resolver types are up to date.');
} else {
  const { written, deleted } = await writeResolverTypes(root, only);
  for (const file of written) console.log(`wrote   ${file}`);
  for (const file of deleted) console.log(`deleted ${file}`);
  if (written.length + deleted.length === 0) console.log('Generated resolver types unchanged.');
}
