import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type * as GraphQLModule from 'graphql';
import type {
  DocumentNode,
  GraphQLError as GraphQLErrorType,
  GraphQLFormattedError,
  GraphQLSchema,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ErrorCode } from '@shop/http';
import type { Identity } from '@shop/auth';
import type { BaseSubgraphContext } from './errors';

// The schema comes from @apollo/subgraph (CommonJS), and graphql-js refuses a schema from another
// copy of itself. Node resolves `import 'graphql'` to the CommonJS build anyway; loading it this
// way keeps test runners that prefer the package's ESM build on the same copy.
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQLModule;
const { GraphQLError, parse, validate } = graphql;
type GraphQLError = GraphQLErrorType;

/** Close codes of a refused WebSocket connection (graphql-ws conventions). */
const WS_CLOSE_CODES = {
  /** No `authorization` in `connectionParams`: the client should not retry as is. */
  missingToken: 4401,
  /** Invalid or expired token: graphql-ws clients retry, re-reading `connectionParams`. */
  invalidToken: 4403,
  /** The signing keys could not be fetched: try again later. */
  keysUnavailable: 1013,
} as const;

/** Outcome of checking one `Authorization` value. */
export type WsAuthResult =
  | { ok: true; identity: Identity | null }
  | { ok: false; code: 'MISSING' | 'INVALID' | 'KEYS_UNAVAILABLE'; reason: string };

export interface WebSocketEndpointOptions<TContext> {
  server: Server;
  schema: GraphQLSchema;
  /** Default `/graphql`. */
  path?: string;
  /** Verifies an `Authorization` value (`Bearer <token>`) exactly like an HTTP request's. */
  authenticate(authorization: string | undefined): Promise<WsAuthResult>;
  context(base: BaseSubgraphContext): TContext | Promise<TContext>;
  /** Error masking shared with HTTP. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
}

export interface WebSocketEndpoint {
  /** Open sockets. */
  connectionCount(): number;
  /** Closes every socket (1001) and the server; sockets still open after `timeoutMs` are cut. */
  close(timeoutMs?: number): Promise<void>;
}

interface SocketExtra {
  [key: PropertyKey]: unknown;
  identity: Identity | null;
}

function authorizationOf(
  params: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : undefined;
}

const withCode = (error: GraphQLError, code: string) =>
  error.extensions.code
    ? error
    : new GraphQLError(error.message, {
        ...(error.nodes ? { nodes: error.nodes } : {}),
        ...(error.source ? { source: error.source } : {}),
        ...(error.positions ? { positions: error.positions } : {}),
        extensions: { ...error.extensions, code },
      });

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, graphql-ws 6) on the subgraph's HTTP server,
 * at the same path as HTTP. The connection is authenticated once in `connection_init`: its
 * `authorization` (or `Authorization`) parameter must hold a gateway token; that identity is the
 * context of every operation on the socket. A subscribe message may carry
 * `extensions.authorization` with another gateway token, which then applies to that operation
 * only (lets the gateway multiplex several users' subscriptions over one socket).
 */
export function attachWebSocketEndpoint<TContext>(
  options: WebSocketEndpointOptions<TContext>,
): WebSocketEndpoint {
  const wss = new WebSocketServer({ server: options.server, path: options.path ?? '/graphql' });
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => options.formatError(error.toJSON(), error));

  const disposable = useServer<Record<string, unknown>, SocketExtra>(
    {
      connectionInitWaitTimeout: 5_000,
      async onConnect(ctx) {
        const socket: WebSocket = ctx.extra.socket;
        const result = await options.authenticate(authorizationOf(ctx.connectionParams));
        if (result.ok) {
          ctx.extra.identity = result.identity;
          return true;
        }
        const code =
          result.code === 'MISSING'
            ? WS_CLOSE_CODES.missingToken
            : result.code === 'INVALID'
              ? WS_CLOSE_CODES.invalidToken
              : WS_CLOSE_CODES.keysUnavailable;
        // Closing first sets our code and reason; graphql-ws's own 4403 close is then a no-op.
        socket.close(code, result.reason.slice(0, 120));
        return false;
      },
      async onSubscribe(ctx, _id, payload) {
        let identity = ctx.extra.identity ?? null;
        const override = payload.extensions?.authorization;
        if (override !== undefined) {
          const result = await options.authenticate(
            typeof override === 'string' ? override : undefined,
          );
          if (!result.ok) {
            return [
              new GraphQLError(`Invalid gateway token: ${result.reason}`, {
                extensions: { code: 'UNAUTHENTICATED' satisfies ErrorCode },
              }),
            ];
          }
          identity = result.identity;
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [withCode(error as GraphQLError, 'GRAPHQL_PARSE_FAILED')];
        }
        const errors = validate(options.schema, document);
        if (errors.length > 0) return errors.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
        const requestId =
          typeof payload.extensions?.requestId === 'string'
            ? payload.extensions.requestId
            : randomUUID();
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: await options.context({ identity, requestId }),
        };
      },
      onNext(...[, , , , result]) {
        if (!result.errors) return undefined;
        return { ...result, errors: format(result.errors) };
      },
      onError(_ctx, _id, _payload, errors) {
        return format(errors);
      },
    },
    wss,
  );

  return {
    connectionCount: () => wss.clients.size,
    async close(timeoutMs = 2_000) {
      const clients = [...wss.clients];
      const closed = clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            if (client.readyState === client.CLOSED) return resolve();
            client.once('close', () => resolve());
          }),
      );
      for (const client of clients) client.close(1001, 'Going away');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      await disposable.dispose();
    },
  };
}
