import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { parentPort, workerData } from 'node:worker_threads';
const t = Date.now();
const pg = new PGlite({ extensions: { pg_trgm }, ...(workerData?.mods ?? {}) });
await pg.waitReady;
parentPort.postMessage(Date.now() - t);
await pg.close();
