// @shop/testing depends on @shop/db, so the package's own tests reach its scratch databases by path.
import { createScratchDatabase } from '../../testing/src/scratch-database';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, isUniqueViolation, migrate, type Database } from '../src/index';

const targets: Array<{
  name: string;
  open: () => Promise<{ database: Database; cleanup: () => Promise<void> }>;
}> = [
  {
    name: 'pglite',
    open: async () => {
      const database = await createDatabase();
      return { database, cleanup: () => database.close() };
    },
  },
];
const baseUrl = process.env.DATABASE_URL;
if (baseUrl) {
  targets.push({
    name: 'postgres',
    open: async () => {
      const scratch = await createScratchDatabase(baseUrl);
      const database = await createDatabase({ url: scratch.url });
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

describe.each(targets)('database on $name', ({ open }) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('should apply each migration once, even when two runs race', async () => {
    const { database, cleanup } = await open();
    cleanups.push(cleanup);
    const migrations = [
      { name: '0001_init.sql', sql: 'create table things (id int primary key, name text unique);' },
      { name: '0002_more.sql', sql: 'alter table things add column size int not null default 0;' },
    ];
    const [first, second] = await Promise.all([
      migrate(database, { schema: 'demo', migrations }),
      migrate(database, { schema: 'demo', migrations }),
    ]);
    expect([...first!, ...second!].sort()).toEqual(['0001_init.sql', '0002_more.sql']);
    expect(await migrate(database, { schema: 'demo', migrations })).toEqual([]);
    await database.db.execute(sql`insert into demo.things (id, name) values (1, 'a')`);
    const rows = await database.query<{ size: number }>('select size from demo.things');
    expect(rows).toEqual([{ size: 0 }]);
  });

  it('should recognise unique violations through drizzle', async () => {
    const { database, cleanup } = await open();
    cleanups.push(cleanup);
    await database.exec('create table u (email text unique)');
    await database.db.execute(sql`insert into u values ('x')`);
    const error = await database.db
      .execute(sql`insert into u values ('x')`)
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error)).toBe(true);
  });

  it('should roll back a failed raw transaction', async () => {
    const { database, cleanup } = await open();
    cleanups.push(cleanup);
    await database.exec('create table r (v int)');
    await expect(
      database.rawTransaction(async (q) => {
        await q.query('insert into r values (1)');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await database.query('select * from r')).toEqual([]);
  });
});
