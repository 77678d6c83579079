import { createScratchDatabase } from '../src/scratch-database';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { integer, pgTable } from 'drizzle-orm/pg-core';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, type Database, type QueryEvent } from '@shop/db';
import { countQueries, currentQueryLabel, enterQueryLabel, withQueryLabel } from '../src';

/** Statements `database` sent since this was called (what `onQuery` reports). */
function statementsSince(database: Database): () => number {
  let count = 0;
  database.onQuery(() => {
    count += 1;
  });
  return () => count;
}

const targets: Array<{
  name: string;
  open: (
    onQuery?: (event: QueryEvent) => void,
  ) => Promise<{ database: Database; cleanup: () => Promise<void> }>;
}> = [
  {
    name: 'pglite',
    open: async (onQuery) => {
      const database = await createDatabase(onQuery ? { onQuery } : {});
      return { database, cleanup: () => database.close() };
    },
  },
];
const baseUrl = process.env.DATABASE_URL;
if (baseUrl) {
  targets.push({
    name: 'postgres',
    open: async (onQuery) => {
      const scratch = await createScratchDatabase(baseUrl);
      const database = await createDatabase({ url: scratch.url, ...(onQuery ? { onQuery } : {}) });
      return {
        database,
        cleanup: async () => {
          await database.close();
          await scratch.drop();
        },
      };
    },
  });
}

const counters = pgTable('counters', { n: integer('n').notNull() });

describe.each(targets)('query counting on $name', ({ open }) => {
  const cleanups: Array<() => Promise<void>> = [];
  // One database for the suite (PGlite takes seconds to open); every test counts deltas.
  const fromOptions: string[] = [];
  let shared: Database | undefined;
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });
  const opened = async (onQuery?: (event: QueryEvent) => void) => {
    const { database, cleanup } = await open(onQuery);
    cleanups.push(cleanup);
    await database.exec('create table counters (n int not null)');
    return database;
  };
  const sharedDatabase = async () => (shared ??= await opened((e) => fromOptions.push(e.text)));

  it('should count every statement: drizzle, raw query/exec and both kinds of transaction', async () => {
    const database = await sharedDatabase();
    const sent = statementsSince(database);

    await database.db.select().from(counters);
    await database.db.insert(counters).values({ n: 1 });
    await database.db.execute(sql`select count(*) from counters`);
    expect(sent()).toBe(3);

    await database.query('select * from counters where n = $1', [1]);
    await database.exec('select 1');
    expect(sent()).toBe(5);

    // BEGIN, two statements, COMMIT (PGlite sends BEGIN/COMMIT itself; counted alike)
    await database.db.transaction(async (tx) => {
      await tx.insert(counters).values({ n: 2 });
      await tx.select().from(counters);
    });
    expect(sent()).toBe(9);

    await database.rawTransaction(async (q) => {
      await q.query('insert into counters (n) values (3)');
    });
    expect(sent()).toBe(12);

    // a failed transaction: BEGIN, the statement, ROLLBACK
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(counters).values({ n: 4 });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(sent()).toBe(15);
    expect(await database.query<{ n: number }>('select n from counters order by n')).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });

  it('should count per database instance', async () => {
    const one = await sharedDatabase();
    const two = await opened();
    const sentByTwo = statementsSince(two);
    await one.db.select().from(counters);
    await one.db.select().from(counters);
    expect(sentByTwo()).toBe(0);
    await two.query('select 1');
    expect(sentByTwo()).toBe(1);
  });

  it('should report each statement to onQuery listeners until they unsubscribe', async () => {
    const database = await sharedDatabase();
    // Listeners run where the statement is issued, so they see the caller's query label.
    const seen: Array<QueryEvent & { label: string | undefined }> = [];
    const unsubscribe = database.onQuery((event) =>
      seen.push({ ...event, label: currentQueryLabel() }),
    );
    await withQueryLabel('order', async () => {
      await database.db.select().from(counters);
    });
    await database.query('select 42');
    unsubscribe();
    await database.query('select 43');

    expect(seen).toHaveLength(2);
    expect(seen[0]!.text).toMatch(/select "n" from "counters"/);
    expect(seen[0]!.label).toBe('order');
    expect(seen[1]).toEqual({ text: 'select 42', label: undefined });
    expect(fromOptions.slice(-3)).toEqual([seen[0]!.text, 'select 42', 'select 43']);
  });

  it('should attribute statements to the label active where they were issued, across async hops', async () => {
    const database = await sharedDatabase();
    const counted = await countQueries(database, async () => {
      await Promise.all([
        withQueryLabel('product', async () => {
          await database.db.select().from(counters);
          // batch loaders flush on setImmediate: the label follows
          await new Promise<void>((resolve) => setImmediate(resolve));
          await database.query('select 1');
          expect(currentQueryLabel()).toBe('product');
        }),
        withQueryLabel('user', () =>
          database.rawTransaction(async (q) => {
            await q.query('select 1');
          }),
        ),
        database.query('select 2'), // unlabelled: in the total only
      ]);
      return 'done';
    });
    expect(counted.result).toBe('done');
    expect(counted.byLabel).toEqual({ product: 2, user: 3 });
    expect(counted.total).toBe(6);
    expect(counted.statements.map((s) => s.label)).toHaveLength(5);
  });

  it('should attribute an HTTP server’s request handling to the label entered by a prepended listener', async () => {
    const database = await sharedDatabase();
    const server = createServer((_req, res) => {
      void (async () => {
        await database.db.select().from(counters);
        await database.query('select 1');
        res.end(String(currentQueryLabel()));
      })();
    });
    server.prependListener('request', () => enterQueryLabel('cart'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const counted = await countQueries(database, async () => {
        const answers = await Promise.all(
          [1, 2, 3].map(async () => (await fetch(`http://127.0.0.1:${port}/`)).text()),
        );
        return answers;
      });
      expect(counted.result).toEqual(['cart', 'cart', 'cart']);
      expect(counted.byLabel).toEqual({ cart: 6 });
      expect(currentQueryLabel()).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  // On PGlite the statements run in a worker thread: counting happens on the calling thread.
  it('should count statements on the calling thread, per query label', async () => {
    const database = await sharedDatabase();
    const sent = statementsSince(database);
    const { byLabel, total } = await countQueries(database, () =>
      Promise.all([
        withQueryLabel('a', () => database.query('select 1')),
        withQueryLabel('b', () =>
          database.db.transaction(async (tx) => {
            await tx.execute(sql`select 1`);
            await tx.execute(sql`select 2`);
          }),
        ),
      ]),
    );
    // b: BEGIN, two statements, COMMIT
    expect(byLabel).toEqual({ a: 1, b: 4 });
    expect(total).toBe(5);
    expect(sent()).toBe(5);
  });
});
