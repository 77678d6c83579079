import pg from 'pg';

/** What {@link Database.listen} calls. */
export interface ListenHandlers {
  onNotify(payload: string): void;
  /** The listening connection was lost and is back: notifications in between were missed. */
  onReconnect(): void;
}

/** A running {@link Database.listen}; `close()` stops it (the last one closes the connection). */
export interface DatabaseListener {
  close(): Promise<void>;
}

/** The `application_name` of a database's one listening connection (find it in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'shop-listen';

const CHANNEL_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * Every `LISTEN` of one Postgres database object shares ONE `pg.Client` outside the pool (a
 * pooled connection would be recycled, and `LISTEN` needs a session: not through PgBouncer
 * transaction pooling), so a process holds one listening connection however many relays, buses
 * and live streams listen. It is opened by the first listener and ended by the last one's
 * `close()`. When it drops it reconnects with backoff (100 ms doubling to 5 s), `LISTEN`s on every
 * channel again and then calls every listener's `onReconnect`.
 */
export function createPostgresListening(url: string, onError: (error: Error) => void) {
  const byChannel = new Map<string, Set<ListenHandlers>>();
  let current: pg.Client | undefined;
  let opening: Promise<pg.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  /** Clients whose connection ended (possibly before they were adopted). */
  const ended = new WeakSet<pg.Client>();
  const active = () => byChannel.size > 0;

  const open = async (): Promise<pg.Client> => {
    const client = new pg.Client({
      connectionString: url,
      application_name: LISTENER_APPLICATION_NAME,
      keepAlive: true,
    });
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      for (const handlers of [...(byChannel.get(message.channel) ?? [])]) {
        handlers.onNotify(payload);
      }
    });
    client.on('error', (error) => {
      onError(error);
      lost(client);
    });
    client.on('end', () => {
      ended.add(client);
      lost(client);
    });
    try {
      await client.connect();
      for (const channel of byChannel.keys()) await client.query(`listen "${channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  };

  const lost = (client: pg.Client) => {
    if (client !== current) return;
    current = undefined;
    client.end().catch(() => undefined);
    schedule();
  };

  /** Makes `client` the listening connection (and notices if it already dropped). */
  const adopt = (client: pg.Client) => {
    current = client;
    if (ended.has(client)) lost(client);
  };

  const schedule = () => {
    if (!active() || retry) return;
    const delay = Math.min(100 * 2 ** failures, 5_000);
    retry = setTimeout(() => {
      retry = undefined;
      open().then(
        (client) => {
          if (!active()) {
            void client.end().catch(() => undefined);
            return;
          }
          failures = 0;
          adopt(client);
          // Channels added while it was connecting.
          for (const channel of byChannel.keys()) {
            client.query(`listen "${channel}"`).catch(() => undefined);
          }
          for (const set of [...byChannel.values()]) {
            for (const handlers of [...set]) handlers.onReconnect();
          }
        },
        (error: unknown) => {
          failures += 1;
          onError(error instanceof Error ? error : new Error(String(error)));
          schedule();
        },
      );
    }, delay);
    retry.unref();
  };

  /** The listening connection, opened by the first listener (later ones wait for it). */
  const connection = async (): Promise<pg.Client | undefined> => {
    if (current) return current;
    if (retry) return undefined; // reconnecting: the new connection LISTENs on every channel
    opening ??= open().finally(() => {
      opening = undefined;
    });
    const client = await opening;
    if (current !== client) adopt(client);
    return current;
  };

  const shutdown = async () => {
    if (retry) clearTimeout(retry);
    retry = undefined;
    const client = current;
    current = undefined;
    await client?.end().catch(() => undefined);
  };

  return async function listen(
    channel: string,
    handlers: ListenHandlers,
  ): Promise<DatabaseListener> {
    if (!CHANNEL_NAME.test(channel)) throw new Error(`invalid channel name: ${channel}`);
    // A fresh object per listener: the same handlers may listen twice.
    const entry: ListenHandlers = {
      onNotify: (payload) => handlers.onNotify(payload),
      onReconnect: () => handlers.onReconnect(),
    };
    let set = byChannel.get(channel);
    const first = !set;
    if (!set) byChannel.set(channel, (set = new Set()));
    set.add(entry);
    const remove = () => {
      set.delete(entry);
      if (set.size === 0 && byChannel.get(channel) === set) byChannel.delete(channel);
    };
    try {
      const client = await connection();
      // LISTEN twice is a no-op: harmless when the connection was opened with this channel.
      if (first && client) await client.query(`listen "${channel}"`);
    } catch (error) {
      remove();
      if (!active()) await shutdown();
      throw error;
    }
    return {
      async close() {
        if (!set.has(entry)) return;
        remove();
        if (!active()) await shutdown();
        else if (!byChannel.has(channel)) {
          await current?.query(`unlisten "${channel}"`).catch(() => undefined);
        }
      },
    };
  };
}
