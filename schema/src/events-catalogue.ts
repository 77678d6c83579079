import { readFileSync } from 'node:fs';
import { EVENT_CONTRACTS, renderEventCatalogue } from '../events/index';

/** schema/README.md, whose "## Events" section is generated from the event contracts. */
export const SCHEMA_README_PATH = new URL('../README.md', import.meta.url);

const HEADING = '## Events';
const INTRO =
  'Generated from the contracts in `schema/events/` by `pnpm --filter @shop/schema events:catalogue`' +
  ' (a test fails when it is stale); the envelope is in `infra/events`. Consumers dead-letter an' +
  ' event on a catalogue topic that matches no contract, with the reason.';

/** `readme` with its "## Events" section (up to the next `## ` heading) regenerated. */
export function readmeWithEventCatalogue(readme: string): string {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.startsWith(HEADING));
  if (start < 0) throw new Error(`schema/README.md has no "${HEADING}" section`);
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const after = next < 0 ? [] : ['', ...lines.slice(next)];
  const section = [
    `${HEADING} (generated from \`schema/events/\`)`,
    '',
    INTRO,
    '',
    renderEventCatalogue(EVENT_CONTRACTS),
  ];
  return [...lines.slice(0, start), ...section, ...after].join('\n').trimEnd() + '\n';
}

/** schema/README.md as committed. */
export const readSchemaReadme = (): string => readFileSync(SCHEMA_README_PATH, 'utf8');
