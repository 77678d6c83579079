/**
 * Target **ours**: ShopGraph's gateway (`@shop/gateway`'s `startGateway`, the same function
 * `gateway/src/main.ts` runs) over the benchmark's supergraph. `main.ts` always serves the
 * committed ShopGraph supergraph, so this launcher passes the benchmark's instead, with what a
 * graph of plain subgraphs needs: production mode, rate limits off (`requests: false`), no
 * account-status checks (there is no `user` subgraph), no bus (so no usage events and no
 * response/entity caches), an ephemeral signing key (the internal tokens it mints are ignored
 * by the benchmark subgraphs). Everything else is the gateway's default: plan executor,
 * in-flight subgraph deduplication, APQ, operation limits.
 *
 * Env: PORT, SUPERGRAPH_FILE; OURS_MAX_COST (raise the operation cost limit, default the
 * gateway's 10,000), OURS_DEDUP (`off` turns in-flight deduplication off), OURS_EXECUTOR
 * (`plan` | `apollo`).
 */
import { readFileSync } from 'node:fs';
import { loadSigningKey } from '@shop/auth';
import { startGateway } from '@shop/gateway';

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const signingKey = await loadSigningKey();
const maxCost = process.env.OURS_MAX_COST ? Number(process.env.OURS_MAX_COST) : undefined;
const executor = process.env.OURS_EXECUTOR === 'apollo' ? 'apollo' : 'plan';
const gateway = await startGateway({
  supergraphSdl: readFileSync(required('SUPERGRAPH_FILE'), 'utf8'),
  subgraphUrls: {},
  // No client signs in here (every request is anonymous); its own key stands in.
  accessTokenKeys: [signingKey],
  signingKey,
  port: Number(required('PORT')),
  host: '127.0.0.1',
  production: true,
  executor,
  subgraphDedup: process.env.OURS_DEDUP !== 'off',
  accountStatus: false,
  subscriptions: { enabled: false },
  limits: {
    requests: false,
    ...(maxCost ? { operations: { maxCost } } : {}),
  },
});
console.log(
  `[ours] listening on ${gateway.url} (executor ${executor}, max cost ${maxCost ?? 'default'})`,
);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void gateway.stop().finally(() => process.exit(0));
  });
}
