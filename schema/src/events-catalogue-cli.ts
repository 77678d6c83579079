import { writeFileSync } from 'node:fs';
import { readmeWithEventCatalogue, readSchemaReadme, SCHEMA_README_PATH } from './events-catalogue';

// Regenerates the "## Events" section of schema/README.md from the contracts in schema/events/.
writeFileSync(SCHEMA_README_PATH, readmeWithEventCatalogue(readSchemaReadme()));
console.log(`wrote ${SCHEMA_README_PATH.pathname}`);
