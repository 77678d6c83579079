// @shop/testing depends on @shop/db, so the package's own tests reach its scratch databases by path.
import { createScratchDatabase } from '../../testing/src/scratch-database';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, pgCode, type Database, type DatabaseOptions } from '../src/index';

const baseUrl = process.env.DATABASE_URL;

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe.runIf(baseUrl)('Postgres statement and idle-in-transaction timeouts', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const opened: Database[] = [];
  const open = async (options: Omit<DatabaseOptions, 'url'> = {}, url = scratch.url) => {
    const database = await createDatabase({ url, onPoolError: () => undefined, ...options });
    opened.push(database);
    return database;
  };
  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl!);
  });
  afterAll(async () => {
    for (const database of opened) await database.close();
    await scratch?.drop();
  });

  it('should set both timeouts on every pooled connection by default', async () => {
    const database = await open();
    // Several connections at once: each one is configured, not only the first.
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        database.query<{ statement: string; idle: string; pid: number }>(
          `select current_setting('statement_timeout') as statement,
                  current_setting('idle_in_transaction_session_timeout') as idle,
                  pg_backend_pid() as pid, pg_sleep(0.05)`,
        ),
      ),
    );
    expect(new Set(settings.map(([row]) => row!.pid)).size).toBeGreaterThan(1);
    for (const [row] of settings) expect(row).toMatchObject({ statement: '5s', idle: '15s' });
  });

  it('should fail a statement that runs past statement_timeout with SQLSTATE 57014', async () => {
    const database = await open({ statementTimeoutMs: 200 });
    const started = performance.now();
    const raw = await failureOf(() => database.query('select pg_sleep(3)'));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(pgCode(raw)).toBe('57014');
    expect((raw as Error).message).toMatch(/statement timeout/);
    // Through drizzle (which wraps the driver's error) and inside a transaction alike.
    const drizzle = await failureOf(() => database.db.execute(sql`select pg_sleep(3)`));
    expect(pgCode(drizzle)).toBe('57014');
    const inTransaction = await failureOf(() =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql`select pg_sleep(3)`);
      }),
    );
    expect(pgCode(inTransaction)).toBe('57014');
    // The pool is healthy afterwards, and short statements are unaffected.
    expect(await database.query('select pg_sleep(0.05), 1 as one')).toEqual([
      { pg_sleep: '', one: 1 },
    ]);
  });

  it('should let a statement_timeout in the URL override the default', async () => {
    const url = new URL(scratch.url);
    url.searchParams.set('statement_timeout', '300');
    const database = await open({ statementTimeoutMs: 60_000 }, url.toString());
    const [row] = await database.query<{ value: string }>(
      `select current_setting('statement_timeout') as value`,
    );
    expect(row!.value).toBe('300ms');
  });

  it('should end a transaction left idle past idle_in_transaction_session_timeout', async () => {
    const database = await open({ idleInTransactionTimeoutMs: 300 });
    await database.exec('create table held (v int)');
    const stalled = await failureOf(() =>
      database.rawTransaction(async (q) => {
        await q.query('insert into held values (1)');
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        await q.query('insert into held values (2)');
      }),
    );
    expect(stalled).toBeInstanceOf(Error);
    // Nothing of the stalled transaction was committed, and the pool serves new work.
    expect(await database.query('select v from held')).toEqual([]);
    await database.rawTransaction((q) => q.query('insert into held values (3)'));
    expect(await database.query('select v from held')).toEqual([{ v: 3 }]);
  });
});
