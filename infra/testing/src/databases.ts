import { createScratchDatabase } from './scratch-database';
import { createDatabase, type Database } from '@shop/db';

/** A database a test suite runs against: embedded PGlite always, real Postgres when configured. */
export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, empty database; `cleanup` closes and (for Postgres) drops it. */
  open(): Promise<{ database: Database; url?: string; cleanup(): Promise<void> }>;
}

/**
 * The targets every database-backed suite runs on: PGlite, plus the Postgres server at
 * `DATABASE_URL` when it is set (CI sets it). Each `open()` makes a new scratch database so no
 * run depends on what an earlier one left behind.
 *
 * @example
 * describe.each(testDatabaseTargets())('orders on $name', ({ open }) => { … });
 */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [
    {
      name: 'pglite',
      async open() {
        const database = await createDatabase();
        return { database, cleanup: () => database.close() };
      },
    },
  ];
  // eslint-disable-next-line no-restricted-syntax -- tests pick their targets from the environment
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    targets.push({
      name: 'postgres',
      async open() {
        const scratch = await createScratchDatabase(baseUrl);
        const database = await createDatabase({ url: scratch.url, maxConnections: 20 });
        return {
          database,
          url: scratch.url,
          async cleanup() {
            await database.close();
            await scratch.drop();
          },
        };
      },
    });
  }
  return targets;
}
