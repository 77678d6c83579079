import type { IncomingMessage, Server } from 'node:http';
import type {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  FormattedExecutionResult,
} from 'graphql';
import { getOperationAST, type GraphQLError } from './graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Identity } from '@shop/auth';
import type { ErrorCode } from '@shop/http';
import { MAX_TIMER_MS, type Authenticate } from './auth';
import type { ClientSubscription } from './client-subscription';
import { TOO_MANY_REQUESTS_CLOSE_CODE, type ConnectionsPerIp } from './connections';
import type { FederatedSubscriptionEngine } from './engine';
import { codedError, errorCode, formatErrors, formatResult, type ErrorFormatter } from './errors';

/** Runs a query or mutation sent over the WebSocket (e.g. through Apollo Server). */
export type ExecuteOperation = (request: {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
  identity: Identity | null;
  /** The socket's remote address (for rate limits). */
  clientIp: string;
}) => Promise<FormattedExecutionResult>;

/**
 * Counts one subscribe message against the rate limits shared with HTTP requests (per IP and per
 * user): the refusal (RATE_LIMITED, TOO_MANY_TOKENS…) when it is over them, else undefined.
 */
export type RateLimitCheck = (request: {
  ip: string;
  identity: Identity | null;
  query: string;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}) => Promise<{ message: string; code: ErrorCode; retryAfterSeconds?: number } | undefined>;

export interface GraphqlWsOptions {
  server: Server;
  engine: FederatedSubscriptionEngine;
  authenticate: Authenticate;
  /** Queries and mutations over the socket; refused with BAD_REQUEST when absent. */
  execute?: ExecuteOperation;
  /**
   * Runs first for every subscribe message (e.g. the persisted-query safelist): the query text
   * to run instead of the payload's, or the errors that refuse the operation.
   */
  checkOperation?: (payload: {
    query: string;
    extensions?: Record<string, unknown> | null | undefined;
  }) => { query: string } | { errors: GraphQLError[] };
  formatError?: ErrorFormatter;
  path?: string;
  /** Open sockets per client IP (shared with multipart streams); none when absent. */
  connections?: ConnectionsPerIp;
  /** False refuses the upgrade with HTTP 403 (the gateway's CORS `Origin` check); all when absent. */
  allowUpgrade?: (request: IncomingMessage) => boolean;
  /** The request rate limits; none when absent. */
  rateLimit?: RateLimitCheck;
  /** Largest accepted message; a larger one closes the socket (1009). Default 64 KiB. */
  maxPayload?: number;
  /** Time to send `connection_init` before the socket is closed (4408). Default 3 s. */
  connectionInitTimeoutMs?: number;
  /** Server ping interval. Default 12 s. */
  keepAliveMs?: number;
}

export interface GraphqlWsServer {
  wss: WebSocketServer;
  /** Closes every socket (1001 Going Away) and stops accepting connections. */
  close(): Promise<void>;
}

interface Connection {
  id: string;
  identity: Identity | null;
  expiry?: NodeJS.Timeout;
}

type OperationContext =
  | { kind: 'subscription'; subscription: ClientSubscription }
  | {
      kind: 'execute';
      query: string;
      variables: Record<string, unknown> | undefined;
      operationName: string | undefined;
      identity: Identity | null;
      clientIp: string;
    };

function authorizationFrom(params: Record<string, unknown> | undefined): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

/**
 * graphql-ws (`graphql-transport-ws`) on `path` of the gateway's http server. The caller
 * authenticates with `connectionParams.authorization` (or `Authorization`, as GraphiQL sends its
 * Headers tab) — a rejected token closes the socket with 4403 Forbidden, and so does the access
 * token's expiry while connected; no token means anonymous. Subscriptions run on the engine,
 * queries and mutations on `execute`. Abuse limits: a socket past its IP's connection cap is
 * closed with 4429; each subscribe message counts
 * against the rate limits (RATE_LIMITED error); messages are capped at `maxPayload` and
 * `connection_init` must come within `connectionInitTimeoutMs`.
 */
export function attachGraphqlWs(options: GraphqlWsOptions): GraphqlWsServer {
  const wss = new WebSocketServer({
    server: options.server,
    path: options.path ?? '/graphql',
    maxPayload: options.maxPayload ?? 64 * 1024,
    ...(options.allowUpgrade
      ? {
          verifyClient: (
            info: { req: IncomingMessage },
            done: (ok: boolean, status?: number, message?: string) => void,
          ) => {
            const allowed = options.allowUpgrade?.(info.req) ?? true;
            if (allowed) done(true);
            else done(false, 403, 'Origin not allowed');
          },
        }
      : {}),
  });
  const connections = new WeakMap<WebSocket, Connection>();
  let sequence = 0;
  const ipOf = (request: { socket: { remoteAddress?: string | undefined } }) =>
    request.socket.remoteAddress ?? 'unknown';

  // Registered before graphql-ws's own listener: a socket over its IP's cap is closed at once.
  const perIp = options.connections;
  if (perIp) {
    wss.on('connection', (socket, request) => {
      const release = perIp.acquire(ipOf(request));
      if (!release) {
        socket.close(TOO_MANY_REQUESTS_CLOSE_CODE, 'Too many connections');
        return;
      }
      socket.once('close', release);
    });
  }

  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      connectionInitWaitTimeout: options.connectionInitTimeoutMs ?? 3_000,
      onConnect: async (ctx) => {
        const socket = ctx.extra.socket;
        const header =
          authorizationFrom(ctx.connectionParams) ?? ctx.extra.request.headers.authorization;
        let identity: Identity | null;
        let expiresAt: number | undefined;
        try {
          ({ identity, expiresAt } = await options.authenticate(header));
        } catch (error) {
          const code = errorCode(error);
          // 1013 Try Again Later: keys unreachable is not the client's fault (clients retry it).
          if (code === 'SERVICE_UNAVAILABLE') socket.close(1013, 'Try again later');
          return false; // 4403 Forbidden
        }
        // Closed meanwhile: nothing to set up for it.
        if (socket.readyState !== socket.OPEN) return false;
        const connection: Connection = { id: `ws:${++sequence}`, identity };
        if (expiresAt !== undefined) {
          const delay = Math.max(0, expiresAt - Date.now());
          if (delay < MAX_TIMER_MS) {
            connection.expiry = setTimeout(
              () => socket.close(CloseCode.Forbidden, 'Forbidden'),
              delay,
            );
            connection.expiry.unref();
          }
        }
        connections.set(socket, connection);
        return true;
      },
      onClose: (ctx) => {
        clearTimeout(connections.get(ctx.extra.socket)?.expiry);
        connections.delete(ctx.extra.socket);
      },
      onSubscribe: async (ctx, _id, payload) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return [codedError('Not connected', 'UNAUTHENTICATED')];
        const clientIp = ipOf(ctx.extra.request);
        const variables = payload.variables ?? undefined;
        // One message per event-loop turn from here on (the limits parse the document too).
        await options.engine.nextTurn();
        // Every message counts, queries and mutations as well as subscriptions (as over HTTP).
        const limited = await options.rateLimit?.({
          ip: clientIp,
          identity: connection.identity,
          query: payload.query,
          variables,
          operationName: payload.operationName ?? undefined,
        });
        if (limited) {
          const { message, code, ...extensions } = limited;
          return [codedError(message, code, extensions)];
        }
        const checked = options.checkOperation?.(payload) ?? { query: payload.query };
        if ('errors' in checked) return checked.errors;
        const query = checked.query;
        const document: DocumentNode | GraphQLError[] = options.engine.parseOperation(query);
        if (Array.isArray(document)) return document;
        const operationName = payload.operationName ?? undefined;
        const operation = getOperationAST(document, operationName);
        const base = { schema: options.engine.apiSchema, document, operationName };
        if (operation && operation.operation !== 'subscription') {
          if (!options.execute) {
            return [codedError('Send queries and mutations over HTTP', 'BAD_REQUEST')];
          }
          const contextValue: OperationContext = {
            kind: 'execute',
            query,
            variables,
            operationName,
            identity: connection.identity,
            clientIp,
          };
          return { ...base, contextValue } satisfies ExecutionArgs;
        }
        const outcome = options.engine.subscribe({
          query,
          document,
          operationName,
          variables,
          identity: connection.identity,
          connectionId: connection.id,
        });
        if (outcome.errors) return outcome.errors;
        const contextValue: OperationContext = {
          kind: 'subscription',
          subscription: outcome.subscription,
        };
        return { ...base, contextValue } satisfies ExecutionArgs;
      },
      subscribe: (args) => {
        const context = args.contextValue as OperationContext;
        if (context.kind !== 'subscription') throw new Error('not a subscription');
        return context.subscription;
      },
      execute: async (args) => {
        const context = args.contextValue as OperationContext;
        if (context.kind !== 'execute' || !options.execute) throw new Error('not executable');
        const { kind: _kind, ...request } = context;
        return (await options.execute(request)) as ExecutionResult;
      },
      // (ctx, id, payload, args, result): results leave formatted (masked, our codes kept).
      onNext: (...hook) => formatResult(hook[4], options.formatError) as FormattedExecutionResult,
      onError: (_ctx, _id, _payload, errors) => formatErrors(errors, options.formatError),
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    wss,
    async close() {
      const sockets = [...wss.clients];
      const closed = Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === socket.CLOSED) return resolve();
              socket.once('close', () => resolve());
            }),
        ),
      );
      for (const socket of sockets) socket.close(1001, 'Going away');
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref());
      await Promise.race([closed, timeout]);
      for (const socket of wss.clients) socket.terminate();
      await disposable.dispose();
    },
  };
}
