import type { IncomingMessage } from 'node:http';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError } from 'graphql';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  bearerToken,
  createVerifier,
  identityFromPayload,
  mintInternalToken,
  toJwks,
  type Identity,
  type KeySource,
  type SigningKey,
} from '@shop/auth';
import { sendJson, startHttpServer, type RunningHttpServer } from '@shop/http';
import { formatError } from '@shop/subgraph';
import { graphiqlPage, graphiqlRoutes } from './graphiql';

/** Per-request gateway context: the verified caller (or null for anonymous). */
export interface GatewayContext {
  identity: Identity | null;
}

export interface GatewayOptions {
  supergraphSdl: string;
  /** Subgraph URL overrides by name; names missing here use the URL in the supergraph. */
  subgraphUrls: Record<string, string>;
  /** Keys that sign client access tokens (the user subgraph's JWKS URL in production). */
  accessTokenKeys: KeySource;
  /** The gateway's own key, used to sign the internal token sent with every subgraph request. */
  signingKey: SigningKey;
  port: number;
  host?: string;
  /** Production disables introspection and GraphiQL. */
  production?: boolean;
  maxBodyBytes?: number;
}

/**
 * Sends each subgraph request with a freshly minted internal token carrying the caller's
 * identity, overwriting anything a client might have tried to pass through.
 */
class InternalAuthDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraph: string,
    url: string,
    private readonly key: SigningKey,
  ) {
    super({ url });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const identity =
      'context' in options && options.context ? (options.context.identity ?? null) : null;
    const token = await mintInternalToken(this.key, this.subgraph, identity);
    options.request.http?.headers.set('authorization', `Bearer ${token}`);
  }

  /**
   * A subgraph answers 4xx with a GraphQL body for requests it rejects (e.g. a variable that
   * fails its scalar's validation); surface that error's message and code instead of a generic
   * HTTP error, and never the internal URL or raw body.
   */
  override async errorFromResponse(response: FetcherResponse): Promise<GraphQLError> {
    const body = (await response.json().catch(() => undefined)) as
      { errors?: Array<{ message?: unknown; extensions?: { code?: unknown } }> } | undefined;
    const first = body?.errors?.[0];
    const code = typeof first?.extensions?.code === 'string' ? first.extensions.code : undefined;
    if (first && typeof first.message === 'string' && code) {
      return new GraphQLError(first.message, { extensions: { code, serviceName: this.subgraph } });
    }
    return new GraphQLError(`Subgraph "${this.subgraph}" answered HTTP ${response.status}`, {
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: this.subgraph },
    });
  }
}

const unauthenticated = (message: string, reason: string) =>
  new GraphQLError(message, {
    extensions: { code: 'UNAUTHENTICATED', reason, http: { status: 401 } },
  });

export interface RunningGateway extends RunningHttpServer {
  gateway: ApolloGateway;
}

/**
 * Starts the gateway: @apollo/gateway over the committed supergraph, JWT verification once per
 * request, identity forwarded to subgraphs as a signed internal token, GraphiQL for browsers.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) =>
      new InternalAuthDataSource(name, options.subgraphUrls[name] ?? url ?? '', options.signingKey),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError,
    includeStacktraceInErrorResponses: false,
    introspection: !options.production,
    csrfPrevention: true,
    plugins: [ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  const verify = createVerifier({
    keys: options.accessTokenKeys,
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    requireSubject: true,
  });

  const context = async (req: IncomingMessage): Promise<GatewayContext> => {
    const header = req.headers.authorization;
    if (!header) return { identity: null };
    const token = bearerToken(header);
    if (!token) throw unauthenticated('Authorization header must be "Bearer <token>"', 'MALFORMED');
    const result = await verify(token);
    if (result.ok) return { identity: identityFromPayload(result.payload) };
    if (result.code === 'TOKEN_EXPIRED')
      throw unauthenticated('Access token has expired', result.code);
    if (result.code === 'KEYS_UNAVAILABLE') {
      throw new GraphQLError('Cannot verify tokens right now', {
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503 } },
      });
    }
    throw unauthenticated('Invalid access token', result.code);
  };

  const http = await startHttpServer<GatewayContext>({
    apollo,
    context,
    port: options.port,
    ...(options.host ? { host: options.host } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
    routes: {
      'GET /.well-known/jwks.json': (_req, res) => sendJson(res, 200, toJwks([options.signingKey])),
      ...(options.production ? {} : graphiqlRoutes()),
    },
    ...(options.production ? {} : { browserPage: graphiqlPage }),
  });

  return {
    ...http,
    gateway,
    async stop(timeoutMs) {
      await http.stop(timeoutMs);
      await apollo.stop();
    },
  };
}
