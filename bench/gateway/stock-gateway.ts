/**
 * The baseline of the gateway benchmark: a stock Apollo gateway over the same supergraph and
 * subgraph processes, written the straightforward way — `ApolloServer` + `ApolloGateway` +
 * `startStandaloneServer` with default options. Its data source only does what the subgraphs
 * require to accept a request: a freshly minted internal token carrying the caller's identity,
 * which `context` gets by verifying the client's bearer access token against the user
 * subgraph's JWKS. No limits, persisted-query policy, metrics, usage reporting, timeouts or
 * circuit breakers.
 *
 * Env: PORT, GATEWAY_PRIVATE_JWK (the key the subgraphs trust), USER_JWKS_URL and
 * SUBGRAPH_<NAME>_URL for every subgraph of the supergraph. Started by `run.ts`.
 */
import { readFileSync } from 'node:fs';
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  loadSigningKey,
  mintInternalToken,
  type Identity,
  type Role,
  type SigningKey,
} from '@shop/auth';

interface Context {
  identity: Identity | null;
}

class InternalTokenDataSource extends RemoteGraphQLDataSource<Context> {
  constructor(
    url: string,
    private readonly subgraph: string,
    private readonly key: SigningKey,
  ) {
    super({ url });
  }

  override async willSendRequest(options: GraphQLDataSourceProcessOptions<Context>) {
    const identity = 'context' in options ? (options.context.identity ?? null) : null;
    const token = await mintInternalToken(this.key, this.subgraph, identity);
    options.request.http?.headers.set('authorization', `Bearer ${token}`);
  }
}

const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const key = await loadSigningKey(required('GATEWAY_PRIVATE_JWK'));
const accessTokenKeys = createRemoteJWKSet(new URL(required('USER_JWKS_URL')));
const supergraphSdl = readFileSync(
  new URL('../../schema/supergraph.graphql', import.meta.url),
  'utf8',
);

const server = new ApolloServer<Context>({
  gateway: new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new InternalTokenDataSource(
        process.env[`SUBGRAPH_${name.toUpperCase()}_URL`] ?? url ?? '',
        name,
        key,
      ),
  }),
});

const { url } = await startStandaloneServer(server, {
  listen: { port: Number(required('PORT')), host: '127.0.0.1' },
  context: async ({ req }) => {
    const header = req.headers.authorization;
    if (!header) return { identity: null };
    try {
      const { payload } = await jwtVerify(header.replace(/^Bearer\s+/i, ''), accessTokenKeys, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
      });
      const roles = Array.isArray(payload.roles) ? (payload.roles as Role[]) : [];
      return { identity: payload.sub ? { userId: payload.sub, roles } : null };
    } catch {
      throw new GraphQLError('Invalid access token', {
        extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } },
      });
    }
  },
});
console.log(`[stock-gateway] listening on ${url}`);
