import { readdirSync, readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

/** The drizzle handle every subgraph uses; the same type over `pg` and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** Plain SQL access, for migrations and the few statements drizzle cannot express. */
export interface RawQuerier {
  /** Runs one or more statements without parameters (simple query protocol). */
  exec(text: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<TRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<TRow[]>;
}

/** A database connection: drizzle for application code plus raw access and lifecycle. */
export interface Database extends RawQuerier {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs `fn` inside one transaction on one connection. */
  rawTransaction<T>(fn: (q: RawQuerier) => Promise<T>): Promise<T>;
  /** Throws unless the database answers `select 1`. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; when absent an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; in memory when absent. Ignored with `url`. */
  dataDir?: string | undefined;
  /** Pool size for Postgres. */
  maxConnections?: number;
  /** Called for connection-level errors that have no request to fail (e.g. server restart). */
  onPoolError?: (error: Error) => void;
}

/**
 * Opens Postgres (when `url` is set) or an embedded PGlite database.
 *
 * @example
 * const database = await createDatabase({ url: env.DATABASE_URL, dataDir: '.data/pglite' });
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options.dataDir);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // Without these handlers a Postgres restart kills the process: idle clients (pool 'error')
  // and checked-out clients between two queries (client 'error') both emit an error event.
  const onError = (error: Error) => {
    if (options.onPoolError) options.onPoolError(error);
    else console.warn(`[db] connection error: ${error.message}`);
  };
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const db = drizzlePg({ client: pool }) as unknown as Db;
  const querier = (client: pg.Pool | pg.PoolClient): RawQuerier => ({
    exec: async (text) => {
      await client.query(text);
    },
    query: async <TRow>(text: string, params: unknown[] = []) =>
      (await client.query(text, params)).rows as TRow[],
  });
  const database: Database = {
    kind: 'postgres',
    db,
    ...querier(pool),
    async rawTransaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(querier(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
  };
  await database.ping();
  return database;
}

async function openPglite(dataDir: string | undefined): Promise<Database> {
  // pg_trgm (trigram similarity) is loaded so `create extension pg_trgm` works as on Postgres.
  // The options-object form: `new PGlite(undefined, options)` would ignore the options.
  const client = new PGlite({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  await client.waitReady;
  const db = drizzlePglite(client) as unknown as Db;
  let closed = false;
  type PgliteLike = Pick<PGlite, 'exec' | 'query'>;
  const querier = (c: PgliteLike): RawQuerier => ({
    exec: async (text) => {
      await c.exec(text);
    },
    query: async <TRow>(text: string, params: unknown[] = []) =>
      (await c.query<TRow>(text, params)).rows,
  });
  return {
    kind: 'pglite',
    db,
    ...querier(client),
    rawTransaction: (fn) => client.transaction((tx) => fn(querier(tx))),
    async ping() {
      if (closed) throw new Error('database is closed');
      await client.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  };
}

/** One SQL migration file. */
export interface Migration {
  name: string;
  sql: string;
}

/** Reads `NNNN_name.sql` files from a folder, in name order. */
export function readMigrations(dir: URL | string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file, sql: readFileSync(new URL(file, ensureSlash(dir)), 'utf8') }));
}

function ensureSlash(dir: URL | string): URL {
  const url = typeof dir === 'string' ? new URL(`file://${dir}`) : dir;
  return url.href.endsWith('/') ? url : new URL(`${url.href}/`);
}

/**
 * Applies pending migrations for one subgraph's Postgres schema, in one transaction under an
 * advisory lock, so several processes starting at once apply each migration exactly once.
 */
export async function migrate(
  database: Database,
  options: { schema: string; migrations: Migration[] },
): Promise<string[]> {
  const { schema, migrations } = options;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name: ${schema}`);
  return database.rawTransaction(async (q) => {
    await q.query('select pg_advisory_xact_lock(hashtext($1))', [`shop-migrate:${schema}`]);
    await q.exec(
      `create schema if not exists "${schema}";
       create table if not exists "${schema}".schema_migrations (
         name text primary key,
         applied_at timestamptz not null default now()
       );`,
    );
    const done = new Set(
      (await q.query<{ name: string }>(`select name from "${schema}".schema_migrations`)).map(
        (row) => row.name,
      ),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await q.exec(`set local search_path to "${schema}", public;\n${migration.sql}`);
      await q.query(`insert into "${schema}".schema_migrations (name) values ($1)`, [
        migration.name,
      ]);
      applied.push(migration.name);
    }
    return applied;
  });
}

/**
 * Creates an empty, uniquely named database next to `baseUrl` and returns its URL; `drop()`
 * removes it. Used by tests so that no run depends on what an earlier run left behind.
 */
export async function createScratchDatabase(
  baseUrl: string,
  prefix = 'shop_test',
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** True when `error` is a Postgres unique violation (SQLSTATE 23505), on `pg` or PGlite. */
export function isUniqueViolation(error: unknown): boolean {
  return pgCode(error) === '23505';
}

/** The SQLSTATE of a database error, looking through drizzle's wrapping `cause`. */
export function pgCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
