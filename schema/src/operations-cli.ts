import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkOperations, OPERATIONS_DIR, persistedQueryManifest } from './operations';

// `check` validates schema/operations/ against the committed supergraph and writes nothing
// (CI runs it); `manifest [path]` prints the persisted query manifest, or writes it to `path`.
// `--dir <registry>` reads another registry folder (tests).
const args = process.argv.slice(2).filter((arg) => arg !== '--');
const dirFlag = args.indexOf('--dir');
const dir = dirFlag >= 0 ? args.splice(dirFlag, 2)[1] : undefined;
const [mode = 'check', output] = args;
if (mode !== 'check' && mode !== 'manifest') {
  console.error(`unknown mode "${mode}": use "check" or "manifest [path]"`);
  process.exit(2);
}

const registry = dir ? resolve(dir) : OPERATIONS_DIR;
const { operations, problems } = checkOperations(registry);
if (problems.length > 0) {
  console.error(`${registry} has ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}

if (mode === 'check') {
  const clients = new Set(operations.map((operation) => operation.client));
  console.log(
    `${operations.length} operations from ${clients.size} client(s) in ${registry} are valid against the supergraph`,
  );
} else {
  const text = `${JSON.stringify(persistedQueryManifest(operations), null, 2)}\n`;
  if (output) {
    const path = resolve(output);
    writeFileSync(path, text);
    console.error(`wrote ${operations.length} operations to ${path}`);
  } else {
    process.stdout.write(text);
  }
}
