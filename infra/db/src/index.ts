import { readdirSync, readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { createPostgresListening, type DatabaseListener, type ListenHandlers } from './listen';
import { openPgliteWorker, type PgliteWorkerClient } from './pglite-worker-client';
import { log } from '@shop/log';

/** The drizzle handle every subgraph uses; the same type over `pg` and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Record<string, never>>;

/** Plain SQL access, for migrations and the few statements drizzle cannot express. */
export interface RawQuerier {
  /** Runs one or more statements without parameters (simple query protocol). */
  exec(text: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<TRow = Record<string, unknown>>(text: string, params?: unknown[]): Promise<TRow[]>;
}

/**
 * One SQL statement sent to the database (see {@link Database.onQuery}). Listeners are called
 * synchronously where the statement is issued, so they see the caller's async context.
 */
export interface QueryEvent {
  /** The statement text (parameters are not included). */
  text: string;
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
  /**
   * Calls `listener` with every SQL statement sent through this database: drizzle and raw
   * `query`/`exec`, inside and outside transactions, `BEGIN`/`COMMIT` included (on PGlite too,
   * so both targets report alike). Returns the function that unsubscribes it. (`countQueries`
   * of @shop/testing counts SQL per operation with it.)
   */
  onQuery(listener: (event: QueryEvent) => void): () => void;
  /**
   * Postgres only: `LISTEN`s on `channel` on this database's one listening connection (not from
   * the pool, shared by every listener, `application_name` {@link LISTENER_APPLICATION_NAME};
   * see `listen.ts`), and calls `onNotify` with the payload of
   * every `NOTIFY` on it, from any connection of any process. When that connection drops it
   * reconnects with backoff (100 ms doubling to 5 s) and, once `LISTEN` is active again, calls
   * `onReconnect`: notifications sent meanwhile were missed, so the caller re-reads what it
   * watches. Resolves once the first `LISTEN` is active. Absent on PGlite: its worker does not
   * relay notifications, and one process owns an embedded database, so an in-process signal
   * is enough there.
   */
  listen?(channel: string, handlers: ListenHandlers): Promise<DatabaseListener>;
}

export { LISTENER_APPLICATION_NAME, type DatabaseListener, type ListenHandlers } from './listen';

export interface DatabaseOptions {
  /** `postgres://…`; when absent an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; in memory when absent. Ignored with `url`. */
  dataDir?: string | undefined;
  /** Pool size for Postgres. */
  maxConnections?: number;
  /**
   * Postgres: the longest one statement may run, in ms (`statement_timeout` of every pooled
   * connection; default {@link DEFAULT_STATEMENT_TIMEOUT_MS}); beyond it the statement fails with
   * SQLSTATE 57014 (`query_canceled`). A `statement_timeout` query parameter in `url` wins.
   */
  statementTimeoutMs?: number;
  /**
   * Postgres: how long a connection may sit idle inside an open transaction, in ms
   * (`idle_in_transaction_session_timeout`; default {@link DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS});
   * beyond it the server ends the session (SQLSTATE 25P03), releasing the transaction's locks.
   * An `idle_in_transaction_session_timeout` query parameter in `url` wins.
   */
  idleInTransactionTimeoutMs?: number;
  /** Called for connection-level errors that have no request to fail (e.g. server restart). */
  onPoolError?: (error: Error) => void;
  /** Called with every SQL statement sent (same as subscribing with `database.onQuery`). */
  onQuery?: (event: QueryEvent) => void;
}

/** Default `statement_timeout` of every Postgres connection (see {@link DatabaseOptions}). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;
/** Default `idle_in_transaction_session_timeout` of every Postgres connection. */
export const DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000;

/** The statement listeners of one database ({@link Database.onQuery}). */
function createQueryListeners(initial?: (event: QueryEvent) => void) {
  const listeners = new Set<(event: QueryEvent) => void>();
  if (initial) listeners.add(initial);
  const record = (text: unknown) => {
    if (listeners.size === 0) return;
    const event: QueryEvent = { text: statementText(text) };
    for (const listener of listeners) listener(event);
  };
  const onQuery: Database['onQuery'] = (listener) => {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  };
  return { record, onQuery };
}

function statementText(text: unknown): string {
  if (typeof text === 'string') return text;
  const config = text as { text?: unknown } | null;
  return typeof config?.text === 'string' ? config.text : String(text);
}

/** A proxy of `target` whose `methods` record a statement before they run. */
function counting<T extends object>(
  target: T,
  methods: readonly string[],
  record: (text: unknown) => void,
): T {
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && methods.includes(property)) {
        return (...args: unknown[]) => {
          record(args[0]);
          return (value as (...a: unknown[]) => unknown).apply(object, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(object);
    },
  });
}

/**
 * Opens Postgres (when `url` is set) or an embedded PGlite database.
 *
 * @example
 * const database = await createDatabase({ url: env.DATABASE_URL, dataDir: '.data/pglite' });
 */
export async function createDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url
    ? openPostgres(options.url, options)
    : openPglite(options.dataDir, options.onQuery);
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    // Sent in each connection's startup packet: no statement, and no transaction left open by a
    // stuck caller, holds a connection (and its locks) longer than this.
    statement_timeout: options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout:
      options.idleInTransactionTimeoutMs ?? DEFAULT_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  });
  // Without these handlers a Postgres restart kills the process: idle clients (pool 'error')
  // and checked-out clients between two queries (client 'error') both emit an error event.
  const onError = (error: Error) => {
    if (options.onPoolError) options.onPoolError(error);
    else log.warn(`[db] connection error: ${error.message}`);
  };
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  const listeners = createQueryListeners(options.onQuery);
  countPool(pool, listeners.record);
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
    onQuery: listeners.onQuery,
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
    listen: createPostgresListening(url, onError),
  };
  await database.ping();
  return database;
}

/**
 * Makes `pool` record every statement: `pool.query` once (at the call, so in the caller's async
 * context; not again when the pool runs it on a client), and every `query` of a client
 * checked out with `pool.connect()` (drizzle's and `rawTransaction`'s transactions).
 */
function countPool(pool: pg.Pool, record: (text: unknown) => void): void {
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  Object.assign(pool, {
    query: (...args: unknown[]) => {
      record(args[0]);
      return query(...args);
    },
    // pg-pool's own `query` checks a client out with a callback: that client is not counted.
    connect: (...args: unknown[]) =>
      args.length > 0
        ? connect(...args)
        : (connect() as Promise<pg.PoolClient>).then((client) =>
            counting(client, ['query'], record),
          ),
  });
}

/**
 * Makes the PGlite client record every statement: `query`, `exec`, and inside `transaction` the
 * same methods of its handle plus the BEGIN and COMMIT/ROLLBACK PGlite sends itself (as drizzle
 * and `rawTransaction` do explicitly on Postgres). Recording happens here, on the caller's thread,
 * so `onQuery` listeners see the caller's async context (AsyncLocalStorage) as on Postgres.
 */
function countPglite(client: PgliteWorkerClient, record: (text: unknown) => void): void {
  const query = client.query.bind(client);
  const exec = client.exec.bind(client);
  const transaction = client.transaction.bind(client);
  Object.assign(client, {
    query: (...args: Parameters<PgliteWorkerClient['query']>) => {
      record(args[0]);
      return query(...args);
    },
    exec: (...args: Parameters<PgliteWorkerClient['exec']>) => {
      record(args[0]);
      return exec(...args);
    },
    transaction: async <T>(fn: Parameters<PgliteWorkerClient['transaction']>[0]): Promise<T> => {
      record('BEGIN');
      try {
        const result = (await transaction((tx) =>
          fn(counting(tx, ['query', 'exec'], record)),
        )) as T;
        record('COMMIT');
        return result;
      } catch (error) {
        record('ROLLBACK');
        throw error;
      }
    },
  });
}

/**
 * The embedded database: PGlite in a worker thread ({@link openPgliteWorker}), so that database
 * work never blocks this thread's event loop. PGlite has no working `statement_timeout` (its
 * single-process build has no timer signals), so a slow statement is bounded only by the
 * gateway's subgraph timeout for the caller, while other statements wait for it in the worker.
 */
async function openPglite(
  dataDir: string | undefined,
  onQuery?: (event: QueryEvent) => void,
): Promise<Database> {
  const client = await openPgliteWorker({ dataDir });
  const listeners = createQueryListeners(onQuery);
  countPglite(client, listeners.record);
  // drizzle's PGlite session calls only `query(text, params, { rowMode, parsers })` and
  // `transaction(fn)` (whose handle it queries the same way): what the worker client offers.
  const db = drizzlePglite({ client: client as unknown as PGlite }) as unknown as Db;
  let closed = false;
  type Querier = Pick<PgliteWorkerClient, 'exec' | 'query'>;
  const querier = (c: Querier): RawQuerier => ({
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
    onQuery: listeners.onQuery,
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
    // Waiting for another process's migrations, or building an index, may take longer than the
    // statement timeout of request work.
    await q.exec('set local statement_timeout = 0');
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
export { withTransaction } from './transaction';
