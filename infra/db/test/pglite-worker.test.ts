import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite, types } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { integer, jsonb, numeric, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, isUniqueViolation, pgCode, type Database } from '../src/index';
import { openPgliteWorker, type PgliteWorkerClient } from '../src/pglite-worker-client';

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A statement that keeps PGlite busy for a while (hundreds of ms), with a checkable answer. */
const BUSY = `select count(*)::int as n from generate_series(1, 3000000) g where g % 7 = 0`;
const BUSY_ANSWER = Math.floor(3_000_000 / 7);

const things = pgTable('things', {
  id: integer('id').primaryKey(),
  name: text('name').notNull().unique(),
  price: numeric('price').notNull(),
  data: jsonb('data').$type<{ tags: string[] }>(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }).notNull(),
  atText: timestamp('at_text', { withTimezone: true, mode: 'string' }),
});

describe('PGlite in a worker thread', () => {
  let database: Database;
  let client: PgliteWorkerClient;
  beforeAll(async () => {
    [database, client] = await Promise.all([createDatabase(), openPgliteWorker()]);
    await database.exec(`
      create table things (
        id int primary key, name text not null unique, price numeric not null, data jsonb,
        at timestamptz not null, at_text timestamptz
      );
      create table counter (n int not null);
      insert into counter values (0);
      create table log (v int not null);
    `);
  });
  afterAll(async () => {
    await Promise.all([database?.close(), client?.close()]);
  });

  it('should read and write through drizzle with its own column types', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    await database.db.insert(things).values([
      { id: 1, name: 'one', price: '12.50', data: { tags: ['a', 'b'] }, at, atText: null },
      { id: 2, name: 'two', price: '0.10', data: null, at, atText: '2026-01-02 03:04:05+00' },
    ]);
    const rows = await database.db.select().from(things).orderBy(things.id);
    expect(rows).toEqual([
      { id: 1, name: 'one', price: '12.50', data: { tags: ['a', 'b'] }, at, atText: null },
      // drizzle's own parser (text kept, then its mapping) reaches the string mode column
      { id: 2, name: 'two', price: '0.10', data: null, at, atText: '2026-01-02 03:04:05+00' },
    ]);
    const [updated] = await database.db
      .update(things)
      .set({ price: '13.00' })
      .where(eq(things.id, 1))
      .returning({ id: things.id, price: things.price });
    expect(updated).toEqual({ id: 1, price: '13.00' });
  });

  it('should parse every type exactly as PGlite does on the calling thread', async () => {
    const inThread = new PGlite();
    try {
      const text = `select 1::int2 as i2, 2::int4 as i4, 9007199254740993::int8 as i8,
        1.5::float4 as f4, 2.25::float8 as f8, 12.345::numeric as num, true as b, 'x'::text as t,
        '2026-03-04 05:06:07.089+00'::timestamptz as tz, '2026-03-04 05:06:07'::timestamp as ts,
        '2026-03-04'::date as d, '1 day 02:00'::interval as iv, '{"a":[1,{"b":null}]}'::jsonb as j,
        '{"k":1}'::json as js, '\\x0102ff'::bytea as by, '0b5f9e4e-0d73-4a4e-9d1e-3c2a1b0f9e8d'::uuid as u,
        array[1,2,null]::int[] as ai, array['a','b c']::text[] as at,
        array['2026-01-01 00:00:00+00']::timestamptz[] as atz, array[1.5]::numeric[] as anum,
        null::int as nothing, 'a' as dup, 2 as dup`;
      const drizzleParsers = {
        [types.TIMESTAMP]: (value: string) => value,
        [types.TIMESTAMPTZ]: (value: string) => value,
        [types.INTERVAL]: (value: string) => value,
        [types.DATE]: (value: string) => value,
        [1231]: (value: string) => value,
        [1115]: (value: string) => value,
        [1185]: (value: string) => value,
        [1187]: (value: string) => value,
        [1182]: (value: string) => value,
      };
      const upper = { [types.TEXT]: (value: string) => value.toUpperCase() };
      for (const options of [
        undefined,
        { rowMode: 'array' as const },
        { rowMode: 'array' as const, parsers: drizzleParsers },
        { rowMode: 'object' as const, parsers: drizzleParsers },
        { parsers: upper },
      ]) {
        const [expected, actual] = await Promise.all([
          inThread.query(text, [], options),
          client.query(text, [], options),
        ]);
        expect(actual.rows).toEqual(expected.rows);
        expect(actual.fields).toEqual(expected.fields);
        expect(actual.affectedRows).toBe(expected.affectedRows);
      }
      // Parameters are serialised by their described types, as in PGlite.
      const params = [
        new Date('2026-01-02T03:04:05.006Z'),
        { nested: [1, 'two'] },
        new Uint8Array([0, 1, 255]),
        10n,
        [1, 2, 3],
        null,
      ];
      const typed = `select $1::timestamptz as a, $2::jsonb as b, $3::bytea as c, $4::int8 as d,
        $5::int[] as e, $6::text as f`;
      const [expected, actual] = await Promise.all([
        inThread.query(typed, params),
        client.query(typed, params),
      ]);
      expect(actual.rows).toEqual(expected.rows);
      const exec = 'create temp table e (v int); insert into e values (1), (2); select * from e';
      const [execExpected, execActual] = await Promise.all([
        inThread.exec(exec),
        client.exec(exec),
      ]);
      expect(execActual).toEqual(execExpected);
    } finally {
      await inThread.close();
    }
  });

  it('should keep the SQLSTATE and fields of database errors', async () => {
    await database.db
      .insert(things)
      .values({ id: 10, name: 'taken', price: '1', at: new Date() })
      .onConflictDoNothing();
    const duplicate = await failureOf(() =>
      database.db.insert(things).values({ id: 11, name: 'taken', price: '1', at: new Date() }),
    );
    expect(isUniqueViolation(duplicate)).toBe(true);
    const cause = (duplicate as { cause: Record<string, unknown> }).cause;
    expect(cause).toMatchObject({
      code: '23505',
      constraint: 'things_name_key',
      table: 'things',
      detail: 'Key (name)=(taken) already exists.',
    });
    expect(cause).toBeInstanceOf(Error);
    const syntax = await failureOf(() => database.query('selec 1'));
    expect(pgCode(syntax)).toBe('42601');
    expect((syntax as Error).message).toBe('syntax error at or near "selec"');
    const exec = await failureOf(() => database.exec('select 1; select 1/0'));
    expect(pgCode(exec)).toBe('22012');
    // A parameter that cannot cross threads fails that call only.
    const unclonable = await failureOf(() => database.query('select $1', [() => 1]));
    expect((unclonable as Error).name).toBe('DataCloneError');
    expect(await database.query('select 1 as ok')).toEqual([{ ok: 1 }]);
  });

  it('should commit, roll back on a thrown error, and honour an explicit rollback', async () => {
    await database.rawTransaction((q) => q.query('insert into log values (1)'));
    await expect(
      database.rawTransaction(async (q) => {
        await q.query('insert into log values (2)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // A failed statement aborts the transaction; PGlite rolls it back.
    const failed = await failureOf(() =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`insert into log values (3)`);
        await tx.execute(sql`insert into log values (null)`);
      }),
    );
    expect(pgCode(failed)).toBe('23502');
    // drizzle's nested transactions are savepoints.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into log values (4)`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into log values (5)`);
          throw new Error('inner');
        })
        .catch(() => undefined);
    });
    let handle: { query(text: string): Promise<unknown> } | undefined;
    const result = await client.transaction(async (tx) => {
      await tx.exec('create temp table t (v int); insert into t values (1)');
      await tx.rollback();
      handle = tx;
      return tx.closed;
    });
    expect(result).toBe(true);
    await expect(handle!.query('select 1')).rejects.toThrow('Transaction is closed');
    expect((await client.query(`select to_regclass('t') as t`)).rows).toEqual([{ t: null }]);
    expect(await database.query('select v from log order by v')).toEqual([{ v: 1 }, { v: 4 }]);
  });

  it('should make statements outside a transaction wait until it ends', async () => {
    const order: string[] = [];
    let outside: Promise<unknown> | undefined;
    await database.rawTransaction(async (q) => {
      await q.query('update counter set n = 100');
      outside = database
        .query<{ n: number }>('select n from counter')
        .then((rows) => order.push(`outside saw ${rows[0]!.n}`));
      await sleep(150);
      order.push('transaction still open');
      await q.query('update counter set n = 0');
    });
    await outside;
    expect(order).toEqual(['transaction still open', 'outside saw 0']);
  });

  it('should run concurrent work one statement and one transaction at a time', async () => {
    // Read-modify-write without locks: correct only if transactions never interleave.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        database.rawTransaction(async (q) => {
          const [row] = await q.query<{ n: number }>('select n from counter');
          await sleep(1);
          await q.query('update counter set n = $1', [row!.n + 1]);
        }),
      ),
    );
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        database.query<{ v: number }>('select $1::int * 2 as v', [i]),
      ),
    );
    expect(answers.map((rows) => rows[0]!.v)).toEqual(Array.from({ length: 200 }, (_, i) => i * 2));
    expect(await database.query('select n from counter')).toEqual([{ n: 20 }]);
  });

  it('should load pg_trgm', async () => {
    await database.exec('create extension if not exists pg_trgm');
    expect(
      await database.query(`select similarity('shopgraph', 'shopgraf') > 0.5 as close`),
    ).toEqual([{ close: true }]);
  });

  it('should leave the event loop free while a statement runs', async () => {
    const histogram = monitorEventLoopDelay({ resolution: 5 });
    histogram.enable();
    const started = performance.now();
    const answers = await Promise.all([
      database.query<{ n: number }>(BUSY),
      database.query<{ n: number }>(BUSY),
      database.query<{ n: number }>(`select count(*)::int as n from things where name ilike $1`, [
        `%${'a'.repeat(200_000)}%`,
      ]),
    ]);
    const elapsed = performance.now() - started;
    histogram.disable();
    expect(answers.map((rows) => rows[0]!.n)).toEqual([BUSY_ANSWER, BUSY_ANSWER, 0]);
    // The database was busy for a while (each BUSY statement about half of it: on the calling
    // thread, the event loop would stall that long), the event loop only for scheduling noise.
    expect(elapsed).toBeGreaterThan(300);
    expect(histogram.percentile(99) / 1e6).toBeLessThan(50);
    expect(histogram.max / 1e6).toBeLessThan(elapsed / 4);
  });

  // Last: it closes the suite's worker client.
  it('should close after running work, and refuse work afterwards', async () => {
    const running = client.query<{ n: number }>(BUSY);
    await client.close();
    expect((await running).rows).toEqual([{ n: BUSY_ANSWER }]);
    await expect(client.query('select 1')).rejects.toThrow('PGlite is closed');
    await client.close();
  });
});

describe('PGlite worker lifecycle', () => {
  it('should keep its data in dataDir across a close and reopen', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-worker-'));
    try {
      const first = await createDatabase({ dataDir: join(dir, 'db') });
      await first.exec(`create table kept (v text); insert into kept values ('still here')`);
      await first.close();
      const second = await createDatabase({ dataDir: join(dir, 'db') });
      expect(await second.query('select v from kept')).toEqual([{ v: 'still here' }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should answer a script that never closes the database, and let it exit', async () => {
    // The worker keeps the process alive while a statement is pending, and not when idle.
    const dir = mkdtempSync(join(tmpdir(), 'pglite-script-'));
    const script = join(dir, 'script.mts');
    const index = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    writeFileSync(
      script,
      `import { createDatabase } from ${JSON.stringify(index)};
       const database = await createDatabase();
       const [row] = await database.query('select 41 + 1 as answer');
       console.log(JSON.stringify(row));\n`,
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('..', import.meta.url)),
        timeout: 60_000,
      });
      expect(stdout.trim()).toBe('{"answer":42}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
