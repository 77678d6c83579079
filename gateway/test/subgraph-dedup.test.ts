import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  loadSigningKey,
  signJwt,
  type Identity,
  type Role,
  type SigningKey,
} from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { createSubgraph, type BaseSubgraphContext, type RunningSubgraph } from '@shop/subgraph';
import { createFetchDedup, DEDUP_IDENTITY_HEADER } from '../src/dedup';
import { createSubgraphFetcher } from '../src/fetcher';
import { startGateway, type RunningGateway } from '../src/gateway';
import type { GatewayContext } from '../src/server/context';
import { SubgraphDataSources } from '../src/server/data-source';

const VAULT_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
"The vault's queries."
type Query {
  "Public items of a tag (the same for everyone)."
  items(tag: String!): [Item!]!
  "The caller's own account, from the internal token; null when anonymous."
  me: Account
}
"The vault's mutations."
type Mutation {
  "Counts a visit; returns the number of visits so far."
  touch(tag: String!): Int!
}
"A public item."
type Item {
  "Its id."
  id: ID!
  "Its label."
  label: String!
}
"A caller's private account."
type Account {
  "The user id."
  id: ID!
  "The private email."
  email: String!
  "The roles the token carries."
  roles: [String!]!
}
`;

/** One request seen by the vault: who sent it (from its internal token) and what it asked. */
interface SeenRequest {
  userId: string | null;
  roles: string[];
}

/** How long the vault holds each answer, so concurrent requests overlap. */
const ANSWER_DELAY_MS = 250;

type Result = {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
};

describe('in-flight deduplication of subgraph fetches', () => {
  let accessKey: SigningKey;
  let gatewayKey: SigningKey;
  let vault: RunningSubgraph;
  let dir: string;
  let supergraphSdl: string;
  const seen: SeenRequest[] = [];
  let answerDelayMs = ANSWER_DELAY_MS;
  /**
   * When set, the vault holds its answers until this says every expected caller has joined the
   * shared request (at most 3 s), so the counts below do not depend on the machine's speed.
   */
  let holdUntil: (() => boolean) | undefined;
  const pause = async () => {
    if (!holdUntil) return delay(answerDelayMs);
    const deadline = Date.now() + 3_000;
    while (!holdUntil() && Date.now() < deadline) await delay(5);
  };
  /** Runs `run` with the vault holding its answers until `joined()`. */
  const holding = async <T>(joined: () => boolean, run: () => Promise<T>) => {
    holdUntil = joined;
    try {
      return await run();
    } finally {
      holdUntil = undefined;
    }
  };
  let touches = 0;
  const gateways: RunningGateway[] = [];

  const start = async (options: { executor: 'plan' | 'apollo'; subgraphDedup?: boolean }) => {
    const gateway = await startGateway({
      supergraphSdl,
      subgraphUrls: { vault: vault.url },
      accessTokenKeys: [accessKey],
      signingKey: gatewayKey,
      port: 0,
      host: '127.0.0.1',
      limits: { requests: false },
      accountStatus: false,
      subscriptions: { enabled: false },
      ...options,
    });
    gateways.push(gateway);
    return gateway;
  };

  const tokenOf = (userId: string, roles: Role[]) =>
    signJwt(accessKey, {
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      type: ACCESS_TOKEN_TYPE,
      expiresInSeconds: 300,
      subject: userId,
      claims: { roles },
    });

  const post = async (
    gateway: RunningGateway,
    query: string,
    token?: string,
    variables?: Record<string, unknown>,
  ): Promise<Result> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Result;
  };

  /** Requests the vault receives while `run` runs. */
  const countRequests = async <T>(run: () => Promise<T>) => {
    const before = seen.length;
    const result = await run();
    return { result, requests: seen.slice(before) };
  };

  beforeAll(async () => {
    accessKey = await loadSigningKey();
    gatewayKey = await loadSigningKey();
    vault = await createSubgraph<BaseSubgraphContext>({
      name: 'vault',
      typeDefs: parse(VAULT_SDL),
      gatewayKeys: [gatewayKey],
      // One context per HTTP request: count it with the identity its internal token carried.
      context: (base) => {
        seen.push({ userId: base.identity?.userId ?? null, roles: base.identity?.roles ?? [] });
        return base;
      },
      port: 0,
      host: '127.0.0.1',
      resolvers: {
        Query: {
          items: async (_: unknown, args: { tag: string }) => {
            await pause();
            return [1, 2, 3].map((n) => ({ id: `${args.tag}-${n}`, label: `${args.tag} #${n}` }));
          },
          me: async (_: unknown, _args: unknown, context: BaseSubgraphContext) => {
            await pause();
            const identity = context.identity;
            if (!identity) return null;
            return {
              id: identity.userId,
              email: `${identity.userId}@private.example`,
              roles: [...identity.roles].sort(),
            };
          },
        },
        Mutation: {
          touch: async () => {
            await delay(answerDelayMs);
            touches += 1;
            return touches;
          },
        },
      },
    });
    dir = mkdtempSync(join(tmpdir(), 'shop-dedup-'));
    writeFileSync(join(dir, 'vault.graphql'), VAULT_SDL);
    const composed = composeSupergraph([
      { name: 'vault', defaultUrl: vault.url, sdlPath: pathToFileURL(join(dir, 'vault.graphql')) },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    supergraphSdl = composed.supergraphSdl;
  });

  afterAll(async () => {
    for (const gateway of gateways) await gateway.stop(2_000);
    await vault?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe.each(['plan', 'apollo'] as const)('with the %s executor', (executor) => {
    let gateway: RunningGateway;
    beforeAll(async () => {
      gateway = await start({ executor });
      // Warm-up: the operation is planned once, so the concurrent requests below overlap.
      await post(gateway, 'query Items($tag: String!) { items(tag: $tag) { id } }', undefined, {
        tag: 'warm',
      });
    });

    it('should send N concurrent identical anonymous queries as one subgraph request', async () => {
      const before = gateway.subgraphDedup!.stats().deduplicated;
      const joined = () => gateway.subgraphDedup!.stats().deduplicated >= before + 7;
      const { result, requests } = await countRequests(() =>
        holding(joined, () =>
          Promise.all(
            Array.from({ length: 8 }, () =>
              post(
                gateway,
                'query Items($tag: String!) { items(tag: $tag) { id label } }',
                undefined,
                {
                  tag: 'lamps',
                },
              ),
            ),
          ),
        ),
      );
      expect(requests).toHaveLength(1);
      for (const answer of result) {
        expect(answer.errors).toBeUndefined();
        expect(answer.data).toEqual({
          items: [
            { id: 'lamps-1', label: 'lamps #1' },
            { id: 'lamps-2', label: 'lamps #2' },
            { id: 'lamps-3', label: 'lamps #3' },
          ],
        });
      }
      expect(gateway.subgraphDedup!.stats()).toEqual({ deduplicated: before + 7, inFlight: 0 });
    });

    it('should never share a query between different variables', async () => {
      const before = gateway.subgraphDedup!.stats().deduplicated;
      const joined = () => gateway.subgraphDedup!.stats().deduplicated >= before + 2;
      const { result, requests } = await countRequests(() =>
        holding(joined, () =>
          Promise.all(
            ['a', 'b', 'a', 'b'].map((tag) =>
              post(gateway, 'query Items($tag: String!) { items(tag: $tag) { id } }', undefined, {
                tag,
              }),
            ),
          ),
        ),
      );
      expect(requests).toHaveLength(2);
      expect(result.map((answer) => (answer.data?.items as Array<{ id: string }>)[0]?.id)).toEqual([
        'a-1',
        'b-1',
        'a-1',
        'b-1',
      ]);
    });

    it('should never deduplicate mutations', async () => {
      const { result, requests } = await countRequests(() =>
        Promise.all(Array.from({ length: 4 }, () => post(gateway, 'mutation { touch(tag: "x") }'))),
      );
      expect(requests).toHaveLength(4);
      const counts = result.map((answer) => answer.data?.touch as number);
      expect(new Set(counts).size).toBe(4);
    });
  });

  describe('private data', () => {
    let gateway: RunningGateway;
    const query = '{ me { id email roles } }';
    beforeAll(async () => {
      gateway = await start({ executor: 'plan' });
      answerDelayMs = 40;
      await post(gateway, query);
    });
    afterAll(() => {
      answerDelayMs = ANSWER_DELAY_MS;
    });

    it('should give two users asking at once two requests, each its own data', async () => {
      const [alice, bob] = await Promise.all([
        tokenOf('alice', ['CUSTOMER']),
        tokenOf('bob', ['CUSTOMER']),
      ]);
      const { result, requests } = await countRequests(() =>
        Promise.all([post(gateway, query, alice), post(gateway, query, bob)]),
      );
      expect(requests.map((request) => request.userId).sort()).toEqual(['alice', 'bob']);
      expect(result.map((answer) => answer.data)).toEqual([
        { me: { id: 'alice', email: 'alice@private.example', roles: ['CUSTOMER'] } },
        { me: { id: 'bob', email: 'bob@private.example', roles: ['CUSTOMER'] } },
      ]);
    });

    it('should never hand a user another identity’s answer over 50 interleaved pairs', async () => {
      // Same user id with other roles is another identity too (the token carries the roles).
      const callers: Array<{ identity: Identity | null; token?: string }> = [
        { identity: { userId: 'alice', roles: ['CUSTOMER'] } },
        { identity: { userId: 'bob', roles: ['CUSTOMER'] } },
        { identity: { userId: 'carol', roles: ['CUSTOMER'] } },
        { identity: { userId: 'carol', roles: ['ADMIN', 'CUSTOMER'] } },
        { identity: null },
      ];
      for (const caller of callers) {
        if (caller.identity)
          caller.token = await tokenOf(caller.identity.userId, caller.identity.roles);
      }
      const expected = (identity: Identity | null) =>
        identity
          ? {
              id: identity.userId,
              email: `${identity.userId}@private.example`,
              roles: [...identity.roles].sort(),
            }
          : null;
      const before = gateway.subgraphDedup!.stats().deduplicated;
      let random = 7;
      const next = (n: number) => {
        random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
        return random % n;
      };
      // 5 rounds of 10 pairs: every pair is two different identities starting 0–9 ms apart,
      // all pairs of a round at once, so each identity's requests overlap the others'.
      for (let round = 0; round < 5; round += 1) {
        const pairs = Array.from({ length: 10 }, () => {
          const first = callers[next(callers.length)]!;
          let second = callers[next(callers.length)]!;
          while (second === first) second = callers[next(callers.length)]!;
          return [first, second] as const;
        });
        const { result, requests } = await countRequests(() =>
          Promise.all(
            pairs.flatMap(([first, second]) => [
              post(gateway, query, first.token).then((answer) => ({ caller: first, answer })),
              delay(next(10)).then(() =>
                post(gateway, query, second.token).then((answer) => ({ caller: second, answer })),
              ),
            ]),
          ),
        );
        for (const { caller, answer } of result) {
          expect(answer.errors).toBeUndefined();
          expect(answer.data).toEqual({ me: expected(caller.identity) });
        }
        // Every identity of the round reached the vault with its own token.
        const identityOf = (userId: string | null, roles: readonly string[]) =>
          `${userId}:${[...roles].sort().join(',')}`;
        const sent = new Set(requests.map((request) => identityOf(request.userId, request.roles)));
        const asked = new Set(
          result.map(({ caller }) =>
            identityOf(caller.identity?.userId ?? null, caller.identity?.roles ?? []),
          ),
        );
        expect(sent).toEqual(asked);
      }
      // The same identity's overlapping requests did share.
      expect(gateway.subgraphDedup!.stats().deduplicated).toBeGreaterThan(before);
    });
  });

  it('should send every request when SUBGRAPH_DEDUP is off', async () => {
    const gateway = await start({ executor: 'plan', subgraphDedup: false });
    expect(gateway.subgraphDedup).toBeUndefined();
    const query = '{ items(tag: "off") { id } }';
    await post(gateway, query);
    const { result, requests } = await countRequests(() =>
      Promise.all(Array.from({ length: 4 }, () => post(gateway, query))),
    );
    expect(requests).toHaveLength(4);
    for (const answer of result) expect((answer.data?.items as unknown[]).length).toBe(3);
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).not.toContain('shopgraph_subgraph_fetches_deduplicated_total');
  });

  it('should count deduplicated fetches in /metrics', async () => {
    const gateway = gateways[0]!;
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    const line = metrics
      .split('\n')
      .find((text) => text.startsWith('shopgraph_subgraph_fetches_deduplicated_total{'));
    expect(Number(line?.split(' ').pop())).toBe(gateway.subgraphDedup!.stats().deduplicated);
    expect(gateway.subgraphDedup!.stats().deduplicated).toBeGreaterThan(0);
  });

  it('should give each waiter its own result object (mutating one leaves the other intact)', async () => {
    const sources = new SubgraphDataSources({
      subgraphUrls: { vault: vault.url },
      signingKey: gatewayKey,
    });
    try {
      const source = sources.build({ name: 'vault', url: vault.url });
      const query = 'query { items(tag: "own") { id label } }';
      const processOnce = () =>
        source.process({
          kind: 'incoming operation',
          request: { query, variables: {} },
          context: { identity: null },
          incomingRequestContext: {},
          document: parse(query),
        } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
      const joined = () => sources.dedup!.stats().deduplicated >= 1;
      const { result, requests } = await countRequests(() =>
        holding(joined, () => Promise.all([processOnce(), processOnce()])),
      );
      expect(requests).toHaveLength(1);
      const [first, second] = result;
      expect(first!.data).not.toBe(second!.data);
      (first!.data!.items as Array<{ label: string }>)[0]!.label = 'changed';
      (first!.data!.items as unknown[]).pop();
      expect(second!.data).toEqual({
        items: [
          { id: 'own-1', label: 'own #1' },
          { id: 'own-2', label: 'own #2' },
          { id: 'own-3', label: 'own #3' },
        ],
      });
      expect(sources.dedup!.stats()).toEqual({ deduplicated: 1, inFlight: 0 });
    } finally {
      sources.close();
    }
  });
});

describe('the dedup fetcher', () => {
  let server: Server;
  let url: string;
  const received: IncomingHttpHeaders[] = [];
  /** `hang` requests are never answered; others are answered after 100 ms. */
  beforeAll(async () => {
    server = createServer((req, res) => {
      received.push(req.headers);
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (body.includes('hang')) return;
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ data: { echo: body } }));
        }, 100);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const init = (body: string, identity: string | undefined, signal?: AbortSignal) => ({
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...(identity === undefined ? {} : { [DEDUP_IDENTITY_HEADER]: identity }),
    },
    ...(signal ? { signal } : {}),
  });

  it('should let a caller give up without cancelling the shared request, and never send the mark', async () => {
    const subgraphFetcher = createSubgraphFetcher({ subgraph: 'echo' });
    try {
      const fetcher = createFetchDedup().wrap(subgraphFetcher);
      const before = received.length;
      const impatient = new AbortController();
      const body = JSON.stringify({ query: '{ echo }' });
      const first = fetcher(url, init(body, 'anonymous', impatient.signal));
      const second = fetcher(url, init(body, 'anonymous'));
      setTimeout(() => impatient.abort(new Error('caller deadline')), 20);
      await expect(first).rejects.toThrow('caller deadline');
      const response = await second;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ data: { echo: body } });
      expect(received.length - before).toBe(1);
      expect(received.at(-1)![DEDUP_IDENTITY_HEADER]).toBeUndefined();
    } finally {
      subgraphFetcher.close();
    }
  });

  it('should deliver a failure to every waiter, then forget it', async () => {
    const subgraphFetcher = createSubgraphFetcher({ subgraph: 'echo', timeoutMs: 150 });
    try {
      const dedup = createFetchDedup();
      const fetcher = dedup.wrap(subgraphFetcher);
      const before = received.length;
      const body = JSON.stringify({ query: '{ hang }' });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 3 }, () => fetcher(url, init(body, 'anonymous'))),
      );
      expect(received.length - before).toBe(1);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          code: 'SUBGRAPH_TIMEOUT',
        });
      }
      expect(dedup.stats()).toEqual({ deduplicated: 2, inFlight: 0 });
      // Settled means gone: the next identical fetch sends its own request.
      await Promise.allSettled([fetcher(url, init(body, 'anonymous'))]);
      expect(received.length - before).toBe(2);
    } finally {
      subgraphFetcher.close();
    }
  });

  it('should send unmarked fetches and different identities separately', async () => {
    const subgraphFetcher = createSubgraphFetcher({ subgraph: 'echo' });
    try {
      const dedup = createFetchDedup();
      const fetcher = dedup.wrap(subgraphFetcher);
      const before = received.length;
      const body = JSON.stringify({ query: '{ echo }' });
      const responses = await Promise.all([
        fetcher(url, init(body, undefined)),
        fetcher(url, init(body, undefined)),
        fetcher(url, init(body, 'a')),
        fetcher(url, init(body, 'b')),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200]);
      expect(received.length - before).toBe(4);
      expect(dedup.stats().deduplicated).toBe(0);
    } finally {
      subgraphFetcher.close();
    }
  });
});
