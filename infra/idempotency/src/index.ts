import { createHash } from 'node:crypto';
import type { Database } from '@shop/db';

/**
 * Idempotency keys with Stripe's semantics, for money-moving mutations (checkout, payments):
 * - same key + same request → the stored response of the first execution (a replay);
 * - same key + a different request → `IDEMPOTENCY_KEY_REUSED`;
 * - a concurrent duplicate waits for the first execution and replays its response;
 * - keys are kept 24 h; an execution that crashed mid-way (row stuck IN_PROGRESS past
 *   `staleAfterMs`) may be taken over by a retry.
 * The claim is an atomic insert, so 100 concurrent requests with one key run the work once.
 */

const RETENTION_MS = 24 * 60 * 60 * 1000;

/** SQL creating `"<schema>".idempotency_keys`; include it in the subgraph's migrations. */
export function idempotencyMigrationSql(schema: string): string {
  return `
create table if not exists "${schema}".idempotency_keys (
  scope text not null,
  key text not null,
  request_hash text not null,
  status text not null check (status in ('IN_PROGRESS', 'DONE')),
  response jsonb,
  locked_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
create index if not exists idempotency_keys_created_at on "${schema}".idempotency_keys (created_at);
`;
}

/** A stable hash of a request (key order does not matter). */
export function requestHash(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export type IdempotentOutcome<TResponse> =
  | { ok: true; replay: boolean; response: TResponse }
  | { ok: false; code: 'IDEMPOTENCY_KEY_REUSED' | 'OPERATION_IN_PROGRESS'; message: string };

export interface IdempotentOptions {
  database: Database;
  /** The subgraph's Postgres schema holding `idempotency_keys`. */
  schema: string;
  /** Whose key this is (user id or cart token): keys of different callers never collide. */
  scope: string;
  key: string;
  /** `requestHash(input)` of the request without the key itself. */
  hash: string;
  /** How long a duplicate waits for an in-flight first execution. Default 15 s. */
  waitMs?: number;
  /** An IN_PROGRESS claim older than this is considered abandoned. Default 60 s. */
  staleAfterMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` at most once per (scope, key) and stores its JSON-serialisable response. If
 * `work` throws, the claim is released so the client may retry with the same key.
 */
export async function runIdempotent<TResponse>(
  options: IdempotentOptions,
  work: () => Promise<TResponse>,
): Promise<IdempotentOutcome<TResponse>> {
  const { database, scope, key, hash } = options;
  const table = `"${options.schema}".idempotency_keys`;
  const waitMs = options.waitMs ?? 15_000;
  const staleSeconds = (options.staleAfterMs ?? 60_000) / 1000;
  const deadline = Date.now() + waitMs;

  for (;;) {
    // Expired keys (past retention) and abandoned claims may be taken over.
    const claimed = await database.query<{ key: string }>(
      `insert into ${table} (scope, key, request_hash, status)
       values ($1, $2, $3, 'IN_PROGRESS')
       on conflict (scope, key) do update
         set request_hash = excluded.request_hash, status = 'IN_PROGRESS', response = null,
             locked_at = now(), created_at = now()
         where ${table}.created_at < now() - interval '${RETENTION_MS / 1000} seconds'
            or (${table}.status = 'IN_PROGRESS'
                and ${table}.locked_at < now() - interval '${staleSeconds} seconds'
                and ${table}.request_hash = excluded.request_hash)
       returning key`,
      [scope, key, hash],
    );
    if (claimed.length === 1) {
      let response: TResponse;
      try {
        response = await work();
      } catch (error) {
        await database
          .query(`delete from ${table} where scope = $1 and key = $2 and status = 'IN_PROGRESS'`, [
            scope,
            key,
          ])
          .catch(() => undefined);
        throw error;
      }
      await database.query(
        `update ${table} set status = 'DONE', response = $3::jsonb where scope = $1 and key = $2`,
        [scope, key, JSON.stringify(response ?? null)],
      );
      return { ok: true, replay: false, response };
    }

    const [existing] = await database.query<{
      request_hash: string;
      status: string;
      response: unknown;
    }>(`select request_hash, status, response from ${table} where scope = $1 and key = $2`, [
      scope,
      key,
    ]);
    if (!existing) continue; // released by a failed first execution: try to claim again
    if (existing.request_hash !== hash) {
      return {
        ok: false,
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: 'This idempotency key was already used with a different request',
      };
    }
    if (existing.status === 'DONE') {
      const response =
        typeof existing.response === 'string' ? JSON.parse(existing.response) : existing.response;
      return { ok: true, replay: true, response: response as TResponse };
    }
    if (Date.now() > deadline) {
      return {
        ok: false,
        code: 'OPERATION_IN_PROGRESS',
        message: 'A request with this idempotency key is still being processed; retry shortly',
      };
    }
    await sleep(25);
  }
}

/** Deletes keys past retention; call periodically. Returns how many were removed. */
export async function purgeExpiredKeys(database: Database, schema: string): Promise<number> {
  const rows = await database.query(
    `delete from "${schema}".idempotency_keys
     where created_at < now() - interval '${RETENTION_MS / 1000} seconds' returning key`,
  );
  return rows.length;
}
