import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { generateDotenv } from './dotenv';

/** `pnpm docker:env`: writes the repository's .env with fresh secrets unless one exists. */
const path = fileURLToPath(new URL('../../../.env', import.meta.url));
if (existsSync(path)) {
  console.log(`[packaging] ${path} exists; left unchanged`);
} else {
  writeFileSync(path, generateDotenv(), { mode: 0o600 });
  console.log(`[packaging] wrote ${path} (internal key, access-token key, cart token secret)`);
}
