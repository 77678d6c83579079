// @shop/testing depends on @shop/db, so the package's own tests reach its scratch databases by path.
import { createScratchDatabase } from '../../testing/src/scratch-database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDatabase,
  LISTENER_APPLICATION_NAME,
  type Database,
  type DatabaseListener,
} from '../src/index';

const baseUrl = process.env.DATABASE_URL;

async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Database.listen', () => {
  it('is absent on PGlite (one process owns an embedded database)', async () => {
    const database = await createDatabase();
    try {
      expect(database.listen).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

describe.runIf(baseUrl)('Database.listen on Postgres', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  let other: Database;
  const listeners: DatabaseListener[] = [];
  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl!);
    database = await createDatabase({ url: scratch.url, onPoolError: () => undefined });
    // Another "process": its own pool on the same database.
    other = await createDatabase({ url: scratch.url, onPoolError: () => undefined });
  });
  afterAll(async () => {
    for (const listener of listeners) await listener.close();
    await database?.close();
    await other?.close();
    await scratch?.drop();
  });

  it('delivers a NOTIFY from any connection only once its transaction commits', async () => {
    const payloads: string[] = [];
    const listener = await database.listen!('test_commit', {
      onNotify: (payload) => payloads.push(payload),
      onReconnect: () => undefined,
    });
    listeners.push(listener);

    await other.rawTransaction(async (q) => {
      await q.query(`select pg_notify('test_commit', $1)`, ['committed']);
      await sleep(200);
      // Not before the commit.
      expect(payloads).toEqual([]);
    });
    await eventually(() => (payloads.length === 1 ? true : undefined));
    await other
      .rawTransaction(async (q) => {
        await q.query(`select pg_notify('test_commit', $1)`, ['rolled back']);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await other.query(`select pg_notify('test_commit', $1)`, ['after']);
    await eventually(() => (payloads.length === 2 ? true : undefined));
    expect(payloads).toEqual(['committed', 'after']);
    // Another channel is not delivered here.
    await other.query(`select pg_notify('test_other', 'x')`);
    await sleep(100);
    expect(payloads).toEqual(['committed', 'after']);
  });

  it('reconnects after its connection is killed, tells the caller, and keeps listening', async () => {
    const payloads: string[] = [];
    let reconnects = 0;
    const listener = await database.listen!('test_reconnect', {
      onNotify: (payload) => payloads.push(payload),
      onReconnect: () => (reconnects += 1),
    });
    listeners.push(listener);
    const killed = await other.query<{ killed: boolean }>(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity
       where datname = current_database() and application_name = $1`,
      [LISTENER_APPLICATION_NAME],
    );
    expect(killed).toEqual([{ killed: true }]);
    await eventually(() => (reconnects === 1 ? true : undefined));
    await other.query(`select pg_notify('test_reconnect', 'back')`);
    await eventually(() => (payloads.includes('back') ? true : undefined));
    expect(reconnects).toBe(1);

    // Closed: no more notifications; once every listener closed, the connection is gone.
    await listener.close();
    await other.query(`select pg_notify('test_reconnect', 'closed')`);
    await sleep(200);
    expect(payloads).toEqual(['back']);
    for (const open of listeners) await open.close();
    const left = await other.query(
      `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
      [LISTENER_APPLICATION_NAME],
    );
    expect(left).toEqual([]);
  });

  it('shares one connection among every listener of the database, until the last closes', async () => {
    const heard: string[] = [];
    const connections = () =>
      other.query(
        `select pid from pg_stat_activity where datname = current_database() and application_name = $1`,
        [LISTENER_APPLICATION_NAME],
      );
    const opened = await Promise.all(
      ['share_a', 'share_b', 'share_a'].map((channel, i) =>
        database.listen!(channel, {
          onNotify: (payload) => heard.push(`${i}:${payload}`),
          onReconnect: () => undefined,
        }),
      ),
    );
    expect(await connections()).toHaveLength(1);
    await other.query(`select pg_notify('share_a', 'x'), pg_notify('share_b', 'y')`);
    await eventually(() => (heard.length === 3 ? true : undefined));
    expect(heard.sort()).toEqual(['0:x', '1:y', '2:x']);
    // Closing one of share_a's listeners keeps the other; closing share_b stops that channel.
    await opened[0]!.close();
    await opened[1]!.close();
    heard.length = 0;
    await other.query(`select pg_notify('share_a', 'x2'), pg_notify('share_b', 'y2')`);
    await eventually(() => (heard.length === 1 ? true : undefined));
    await sleep(100);
    expect(heard).toEqual(['2:x2']);
    expect(await connections()).toHaveLength(1);
    await opened[2]!.close();
    expect(await connections()).toEqual([]);
  });

  it('refuses a channel name that is not a plain identifier', async () => {
    await expect(
      database.listen!('bad"name', { onNotify: () => undefined, onReconnect: () => undefined }),
    ).rejects.toThrow('invalid channel name');
  });
});
