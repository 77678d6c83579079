import pg from 'pg';

/**
 * The truth the cluster suite compares against, read from the services' Postgres schemas: the
 * order subgraph's orders and status history, and every outbox and `processed_events` table.
 */

/** One event pipeline: the producer's outbox topic and a consumer that must apply each event once. */
export interface Pipeline {
  producerSchema: string;
  topic: string;
  consumerSchema: string;
  consumer: string;
}

/** The pipelines a checkout and payment go through (payment → order → notification, stock). */
export const CHECKOUT_PIPELINES: readonly Pipeline[] = [
  {
    producerSchema: 'payment',
    topic: 'payment.events.v1',
    consumerSchema: 'order',
    consumer: 'order',
  },
  {
    producerSchema: 'payment',
    topic: 'payment.events.v1',
    consumerSchema: 'notification',
    consumer: 'notification',
  },
  {
    producerSchema: 'order',
    topic: 'order.events.v1',
    consumerSchema: 'notification',
    consumer: 'notification',
  },
];

export interface OrderTruth {
  id: string;
  status: string;
  version: number;
  /** Status history rows; equals `version` unless a change was lost or applied twice. */
  historyRows: number;
}

export interface EventIntegrity {
  /** Outbox rows not yet published, per schema. */
  unpublished: Record<string, number>;
  /** Per pipeline (`producer/topic → consumer`): events produced, and not (yet) processed. */
  pipelines: Array<{ pipeline: string; produced: number; unprocessed: number }>;
  /** Notifications written more than once for one event (an event applied twice). */
  duplicateNotifications: number;
  /** Orders whose status history disagrees with their version (a change lost or applied twice). */
  historyMismatches: number;
}

export class Truth {
  private readonly pool: pg.Pool;

  constructor(databaseUrl: string) {
    this.pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    // An idle connection cut by the cluster's teardown (its database dropped) is no test failure.
    this.pool.on('error', () => undefined);
  }

  async orders(ids: readonly string[]): Promise<Map<string, OrderTruth>> {
    const { rows } = await this.pool.query<{
      id: string;
      status: string;
      version: number;
      history_rows: string;
    }>(
      `select o.id::text, o.status, o.version,
              (select count(*) from "order".order_status_history h where h.order_id = o.id) as history_rows
         from "order".orders o where o.id::text = any($1::text[])`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          status: row.status,
          version: row.version,
          historyRows: Number(row.history_rows),
        },
      ]),
    );
  }

  /** Versions each order went through: 1 … its current version. */
  static versionsOf(orders: ReadonlyMap<string, OrderTruth>): Map<string, number[]> {
    return new Map(
      [...orders].map(([id, order]) => [
        id,
        Array.from({ length: order.version }, (_, i) => i + 1),
      ]),
    );
  }

  async integrity(pipelines: readonly Pipeline[] = CHECKOUT_PIPELINES): Promise<EventIntegrity> {
    const { rows: schemas } = await this.pool.query<{ schema: string }>(
      `select table_schema as schema from information_schema.tables where table_name = 'outbox'`,
    );
    const unpublished: Record<string, number> = {};
    for (const { schema } of schemas) {
      const { rows } = await this.pool.query<{ n: string }>(
        `select count(*) as n from "${schema}".outbox where published_at is null`,
      );
      unpublished[schema] = Number(rows[0]?.n ?? 0);
    }
    const results: EventIntegrity['pipelines'] = [];
    for (const p of pipelines) {
      const { rows } = await this.pool.query<{ produced: string; unprocessed: string }>(
        `select count(*) as produced,
                count(*) filter (where not exists (
                  select 1 from "${p.consumerSchema}".processed_events e
                   where e.consumer = $2 and e.event_id = o.id)) as unprocessed
           from "${p.producerSchema}".outbox o where o.topic = $1`,
        [p.topic, p.consumer],
      );
      results.push({
        pipeline: `${p.producerSchema}/${p.topic} → ${p.consumerSchema}:${p.consumer}`,
        produced: Number(rows[0]?.produced ?? 0),
        unprocessed: Number(rows[0]?.unprocessed ?? 0),
      });
    }
    const duplicates = await this.pool.query<{ n: string }>(
      `select count(*) as n from (select event_id, user_id from notification.notifications
         group by event_id, user_id having count(*) > 1) d`,
    );
    const mismatches = await this.pool.query<{ n: string }>(
      `select count(*) as n from "order".orders o
        where o.version <> (select count(*) from "order".order_status_history h where h.order_id = o.id)`,
    );
    return {
      unpublished,
      pipelines: results,
      duplicateNotifications: Number(duplicates.rows[0]?.n ?? 0),
      historyMismatches: Number(mismatches.rows[0]?.n ?? 0),
    };
  }

  /** Consumers that recorded processed events, per schema (for the report). */
  async consumers(): Promise<string[]> {
    const { rows: schemas } = await this.pool.query<{ schema: string }>(
      `select table_schema as schema from information_schema.tables where table_name = 'processed_events'`,
    );
    const names: string[] = [];
    for (const { schema } of schemas) {
      const { rows } = await this.pool.query<{ consumer: string; n: string }>(
        `select consumer, count(*) as n from "${schema}".processed_events group by consumer`,
      );
      for (const row of rows) names.push(`${schema}:${row.consumer}=${row.n}`);
    }
    return names;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
