import { writeFileSync } from 'node:fs';
import { composeSupergraph, readCommittedSupergraph, SUPERGRAPH_PATH } from './index';

// `write` regenerates schema/supergraph.graphql; `check` fails when composition fails or the
// committed file is stale (CI runs `check`).
const mode = process.argv[2] ?? 'check';
const result = composeSupergraph();
if (!result.ok) {
  console.error('Composition failed:');
  for (const error of result.errors) console.error(`  - ${error}`);
  process.exit(1);
}
if (mode === 'write') {
  writeFileSync(SUPERGRAPH_PATH, result.supergraphSdl);
  console.log(`wrote ${SUPERGRAPH_PATH.pathname}`);
} else {
  let committed = '';
  try {
    committed = readCommittedSupergraph();
  } catch {
    // missing file is reported as stale below
  }
  if (committed !== result.supergraphSdl) {
    console.error('schema/supergraph.graphql is stale: run `pnpm compose` and commit the result.');
    process.exit(1);
  }
  console.log('supergraph composes and schema/supergraph.graphql is up to date');
}
