import type { ErrorCode } from '@shop/http';

/**
 * SQLSTATEs of a lost or refused database connection, or of a statement the server gave up on
 * in time: the work did not complete (its transaction rolled back), so it is safe to retry.
 */
const TRANSIENT_SQLSTATES = new Set([
  '57P01', // admin_shutdown (server restarting / `pg_ctl restart -m fast`)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up or shutting down)
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
  '57014', // query_canceled: the statement ran past `statement_timeout` (or was cancelled)
  '25P03', // idle_in_transaction_session_timeout: the server ended a stalled transaction
]);
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);
/** Codes another subgraph answers a service call with when it is itself unavailable. */
const TRANSIENT_SERVICE_CODES: ReadonlySet<string> = new Set<ErrorCode>(['SERVICE_UNAVAILABLE']);
const TRANSIENT_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|the database system is (starting up|shutting down)/i;

/**
 * True when `error` (or one of its causes) says the database connection was lost or refused, or
 * a statement ran out of time (here, or in a subgraph this one called): the operation did not
 * complete and can be retried once the database is back or less busy (mutations with their
 * idempotency key). Such failures reach clients as `SERVICE_UNAVAILABLE` (`retryable: true`)
 * instead of a masked internal error.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth += 1) {
    if (typeof current !== 'object') return false;
    const { code, message, cause, errors } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (
      typeof code === 'string' &&
      (TRANSIENT_SQLSTATES.has(code) ||
        TRANSIENT_NODE_CODES.has(code) ||
        TRANSIENT_SERVICE_CODES.has(code))
    )
      return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.test(message)) return true;
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1)
    if (Array.isArray(errors) && errors.some((inner) => isTransientDatabaseError(inner)))
      return true;
    current = cause;
  }
  return false;
}
