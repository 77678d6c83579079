import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as GraphQL from 'graphql';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { startGateway, type RunningGateway } from '../src/gateway';

const { parse } = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { hello(name: String): String! }
`;

/** One tiny subgraph and any number of gateways in front of it (replica tests of the gateway). */
export interface GatewayReplicas {
  /** Requests the subgraph has served on /graphql. */
  subgraphRequests(): Promise<number>;
  /** Starts one more gateway over the same subgraph (stopped by `close`). */
  start(options?: Partial<Parameters<typeof startGateway>[0]>): Promise<RunningGateway>;
  close(): Promise<void>;
}

export async function startGatewayReplicas(): Promise<GatewayReplicas> {
  const key: SigningKey = await loadSigningKey();
  const subgraph: RunningSubgraph = await createSubgraph<BaseSubgraphContext>({
    name: 'hello',
    typeDefs: parse(SDL),
    gatewayKeys: [key],
    context: (base) => base,
    port: 0,
    host: '127.0.0.1',
    resolvers: { Query: { hello: (_: unknown, args: { name?: string }) => args.name ?? 'world' } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'shop-gateway-replicas-'));
  writeFileSync(join(dir, 'hello.graphql'), SDL);
  const composed = composeSupergraph([
    { name: 'hello', defaultUrl: subgraph.url, sdlPath: pathToFileURL(join(dir, 'hello.graphql')) },
  ]);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  const gateways: RunningGateway[] = [];
  return {
    async subgraphRequests() {
      const text = await (await fetch(new URL('/metrics', subgraph.url))).text();
      let total = 0;
      for (const match of text.matchAll(
        /http_requests_total\{[^}]*route="\/graphql"[^}]*\} (\d+)/g,
      ))
        total += Number(match[1]);
      return total;
    },
    async start(options = {}) {
      const gateway = await startGateway({
        supergraphSdl: composed.supergraphSdl,
        subgraphUrls: {},
        accessTokenKeys: [key],
        signingKey: key,
        port: 0,
        accountStatus: false,
        limits: { requests: false },
        ...options,
      });
      gateways.push(gateway);
      return gateway;
    },
    async close() {
      for (const gateway of gateways) await gateway.stop();
      await subgraph.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type GraphQLBody = {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

/** POSTs a GraphQL body and returns status + parsed body. */
export async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; body: GraphQLBody }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}

/** A GET /graphql with the parameters as the query string (CSRF preflight header set). */
export async function get(url: string, params: Record<string, unknown>) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    search.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const response = await fetch(`${url}?${search}`, {
    headers: { 'apollo-require-preflight': 'true', accept: 'application/json' },
  });
  return { status: response.status, body: (await response.json()) as GraphQLBody };
}
