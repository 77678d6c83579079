/* eslint-disable no-restricted-imports -- the checks need each service's own env schema, which
   its package does not export by name (exports are `src/index.ts` only), and @shop/packaging
   cannot depend on the subgraph packages without a reinstall; the files import cleanly. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envSchema as gateway } from '../../../gateway/src/env';
import { SUBGRAPHS } from '../../../schema/src/subgraphs';
import { envSchema as analytics } from '../../../subgraphs/analytics/src/env';
import { envSchema as cart } from '../../../subgraphs/cart/src/env';
import { envSchema as notification } from '../../../subgraphs/notification/src/env';
import { envSchema as order } from '../../../subgraphs/order/src/env';
import { envSchema as payment } from '../../../subgraphs/payment/src/env';
import { envSchema as product } from '../../../subgraphs/product/src/env';
import { envSchema as user } from '../../../subgraphs/user/src/env';
/* eslint-enable no-restricted-imports */
import { parseCompose, type ComposeFile } from '../src/compose';
import type { ServiceRegistry } from '../src/compose-checks';
import { generateDotenv, parseDotenv } from '../src/dotenv';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const readRepoFile = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

/** The code's configuration: each service's own env schema and the composed subgraphs. */
export const registry: ServiceRegistry = {
  schemas: { gateway, user, product, cart, order, payment, notification, analytics },
  subgraphs: SUBGRAPHS.map((subgraph) => subgraph.name),
};

/** The repository's docker-compose.yml, parsed afresh (callers may mutate it). */
export const loadRepoCompose = (): ComposeFile => parseCompose(readRepoFile('docker-compose.yml'));

/** The variables of a `.env` as `pnpm docker:env` writes it. */
export const generatedVars = (): Record<string, string> => parseDotenv(generateDotenv());
