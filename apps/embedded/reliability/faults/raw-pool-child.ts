import { createRequire } from 'node:module';
import { createDatabase } from '@shop/db';

/**
 * Child process for B4's unprotected counterpart. `raw`: a node-postgres pool WITHOUT
 * `pool.on('error')` (the library default); `guarded`: `createDatabase` from `@shop/db`. Both
 * keep three idle connections open and print `ready`; a Postgres restart then kills `raw`
 * (unhandled 'error' event on an idle client) and leaves `guarded` running.
 */
const [mode, url] = process.argv.slice(2) as ['raw' | 'guarded', string];
// `pg` is a dependency of @shop/db, not of the gateway: resolve it from there.
const requireFromDb = createRequire(new URL('../../../../infra/db/package.json', import.meta.url));
interface RawPool {
  connect(): Promise<{ release(): void }>;
}
const pg = requireFromDb('pg') as {
  Pool: new (config: {
    connectionString: string;
    max: number;
    idleTimeoutMillis: number;
  }) => RawPool;
};

if (mode === 'raw') {
  const pool = new pg.Pool({ connectionString: url, max: 3, idleTimeoutMillis: 60_000 });
  const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
  for (const client of clients) client.release();
} else {
  const database = await createDatabase({ url, maxConnections: 3, onPoolError: () => undefined });
  await Promise.all([database.ping(), database.ping(), database.ping()]);
}
console.log('ready');
setInterval(() => undefined, 1_000);
