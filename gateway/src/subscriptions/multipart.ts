import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode } from 'graphql';
import { getOperationAST, type GraphQLError } from './graphql';
import { MAX_TIMER_MS, type AuthenticateRequest } from './auth';
import type { ConnectionsPerIp } from './connections';
import type { FederatedSubscriptionEngine } from './engine';
import {
  codedError,
  SUBSCRIPTION_ERROR_CODES,
  formatErrors,
  formatResult,
  toGraphQLError,
  type ErrorFormatter,
} from './errors';
import { sendJson } from '@shop/http';

export interface MultipartOptions {
  engine: FederatedSubscriptionEngine;
  /** The request's caller (the same outcome the rate limits got for this request). */
  authenticateRequest: AuthenticateRequest;
  formatError?: ErrorFormatter;
  /** Interval of the `{}` heartbeat parts. Default 5 s. */
  heartbeatMs?: number;
  /** Open streams per client IP (shared with graphql-ws sockets); none when absent. */
  connections?: ConnectionsPerIp;
  /** Largest subscription request (query + variables, in bytes); larger → 413. Default 64 KiB. */
  maxMessageBytes?: number;
}

export const MULTIPART_CONTENT_TYPE = 'multipart/mixed; boundary="graphql"; subscriptionSpec=1.0';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Apollo's multipart HTTP subscription protocol (`subscriptionSpec=1.0`) for `POST /graphql`:
 * returns `true` when it answered the request (a subscription), `false` for anything Apollo
 * Server should handle (queries, mutations, unparsable bodies). Parts are `{}` heartbeats,
 * `{"payload": {"data", "errors"}}` results, and a final `{"payload": null, "errors": …}`
 * transport error (Apollo Client raises it as CombinedProtocolErrors) when the
 * subscription is ended by the gateway (reload, subgraph down, backpressure, token expiry);
 * the stream ends with `--graphql--`. A client disconnect ends the subscription. A request over
 * `maxMessageBytes` gets 413 PAYLOAD_TOO_LARGE, one past its IP's open-stream cap 429
 * SUBSCRIPTION_LIMIT (`limit: "ip"`); the rate limits run before this handler.
 */
export function createMultipartHandler(
  options: MultipartOptions,
): (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean> {
  const heartbeatMs = options.heartbeatMs ?? 5_000;
  const maxMessageBytes = options.maxMessageBytes ?? 64 * 1024;
  const format = (errors: ReadonlyArray<GraphQLError>) => formatErrors(errors, options.formatError);

  return async (req, res, body) => {
    // Subscriptions stream over POST only (a GET would skip CSRF prevention).
    if (req.method !== 'POST') return false;
    if (!isRecord(body) || typeof body.query !== 'string') return false;
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const document: DocumentNode | GraphQLError[] = options.engine.parseOperation(body.query);
    // Apollo Server answers GRAPHQL_PARSE_FAILED / TOO_MANY_TOKENS.
    if (Array.isArray(document)) return false;
    if (getOperationAST(document, operationName)?.operation !== 'subscription') return false;

    if (!(req.headers.accept ?? '').includes('multipart/mixed')) {
      sendJson(res, 406, {
        errors: format([
          codedError(
            'Subscriptions need "Accept: multipart/mixed;subscriptionSpec=1.0" or a graphql-ws WebSocket',
            'BAD_REQUEST',
          ),
        ]),
      });
      return true;
    }

    const variables = isRecord(body.variables) ? body.variables : undefined;
    const size =
      Buffer.byteLength(body.query) +
      (variables ? Buffer.byteLength(JSON.stringify(variables)) : 0);
    if (size > maxMessageBytes) {
      const message = `A subscription request is at most ${maxMessageBytes} bytes`;
      sendJson(res, 413, { errors: format([codedError(message, 'PAYLOAD_TOO_LARGE')]) });
      return true;
    }
    const release = options.connections
      ? options.connections.acquire(req.socket.remoteAddress ?? 'unknown')
      : () => undefined;
    if (!release) {
      const max = options.connections?.max;
      const message = `At most ${max} open subscription connections per client address`;
      const error = codedError(message, SUBSCRIPTION_ERROR_CODES.limit, { limit: 'ip', max });
      sendJson(res, 429, { errors: format([error]) });
      return true;
    }
    try {
      return await stream(req, res, { query: body.query, document, operationName, variables });
    } finally {
      release();
    }
  };

  /** Authenticates, subscribes and writes the parts until the subscription or the client ends. */
  async function stream(
    req: IncomingMessage,
    res: ServerResponse,
    request: {
      query: string;
      document: DocumentNode;
      operationName: string | undefined;
      variables: Record<string, unknown> | undefined;
    },
  ): Promise<boolean> {
    let auth: Awaited<ReturnType<AuthenticateRequest>>;
    try {
      auth = await options.authenticateRequest(req);
    } catch (error) {
      const graphqlError = toGraphQLError(error);
      const http = graphqlError.extensions.http as { status?: number } | undefined;
      sendJson(res, http?.status ?? 500, { errors: format([graphqlError]) });
      return true;
    }

    await options.engine.nextTurn();
    const outcome = options.engine.subscribe({ ...request, identity: auth.identity });

    res.writeHead(200, {
      'content-type': MULTIPART_CONTENT_TYPE,
      'cache-control': 'no-cache',
      'x-accel-buffering': 'no',
    });
    res.write('\r\n--graphql');
    let open = true;
    const writePart = (part: unknown): boolean =>
      open &&
      res.write(
        `\r\ncontent-type: application/json; charset=utf-8\r\n\r\n${JSON.stringify(part)}\r\n--graphql`,
      );
    const finish = () => {
      if (!open) return;
      open = false;
      res.end('--\r\n');
    };

    if (outcome.errors) {
      writePart({ payload: { errors: format(outcome.errors) } });
      finish();
      return true;
    }

    const subscription = outcome.subscription;
    let clientGone = false;
    let drained: (() => void) | undefined;
    res.on('close', () => {
      clientGone = true;
      open = false;
      drained?.();
      void subscription.return();
    });
    res.on('drain', () => drained?.());
    const heartbeat = setInterval(() => writePart({}), heartbeatMs);
    let expiry: NodeJS.Timeout | undefined;
    if (auth.expiresAt !== undefined && auth.expiresAt - Date.now() < MAX_TIMER_MS) {
      expiry = setTimeout(
        () =>
          subscription.fail([
            codedError('Access token has expired', 'UNAUTHENTICATED', { reason: 'TOKEN_EXPIRED' }),
          ]),
        Math.max(0, auth.expiresAt - Date.now()),
      );
    }
    try {
      for (;;) {
        const next = await subscription.next();
        if (next.done || clientGone) break;
        const result = next.value;
        const written = subscription.isTerminal(result)
          ? writePart({ payload: null, errors: format(result.errors ?? []) })
          : writePart({ payload: formatResult(result, options.formatError) });
        if (!written && !clientGone) {
          await new Promise<void>((resolve) => (drained = resolve));
          drained = undefined;
        }
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(expiry);
      void subscription.return();
      finish();
    }
    return true;
  }
}
