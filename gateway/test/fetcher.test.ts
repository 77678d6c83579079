import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSubgraphFetcher, downstreamError, type SubgraphFetcher } from '../src/fetcher';

interface TestServer {
  url: string;
  hits: number;
  connections: number;
  status: number;
  close(): Promise<void>;
}

/** A node:http server on 127.0.0.1 counting requests and TCP connections. */
async function startServer(
  handler?: (req: IncomingMessage, res: ServerResponse, server: TestServer) => void,
): Promise<TestServer> {
  const server: Server = createServer();
  const state: TestServer = {
    url: '',
    hits: 0,
    connections: 0,
    status: 200,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => state.connections++);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    state.hits++;
    if (handler) return handler(req, res, state);
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      res.writeHead(state.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ data: { echo: body } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return state;
}

/** A port that was just free: connecting to it is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/graphql`;
}

const post = (fetcher: SubgraphFetcher, url: string, body = '{"query":"{ a }"}') =>
  fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

const errorOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected a rejection');
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createSubgraphFetcher', () => {
  const cleanup: Array<() => unknown> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()?.();
  });
  const make = (options: Parameters<typeof createSubgraphFetcher>[0]) => {
    const fetcher = createSubgraphFetcher(options);
    cleanup.push(() => fetcher.close());
    return fetcher;
  };
  const serve = async (handler?: Parameters<typeof startServer>[0]) => {
    const server = await startServer(handler);
    cleanup.push(() => server.close());
    return server;
  };

  it('answers through a fast server with status, headers, url and body', async () => {
    const server = await serve();
    const fetcher = make({ subgraph: 'fast' });
    const response = await post(fetcher, server.url, '{"x":1}');
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.url).toBe(server.url);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ data: { echo: '{"x":1}' } });
    expect(fetcher.state()).toBe('closed');
  });

  it('rejects a hung server after timeoutMs with SUBGRAPH_TIMEOUT', async () => {
    const server = await serve(() => {
      /* accepts, never answers */
    });
    const fetcher = make({ subgraph: 'hung', timeoutMs: 500 });
    const started = performance.now();
    const error = await errorOf(post(fetcher, server.url));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('SUBGRAPH_TIMEOUT');
    expect(error.message).toContain('"hung"');
    expect(error.message).toContain('500 ms');
    expect(elapsed).toBeGreaterThanOrEqual(495);
    expect(elapsed).toBeLessThan(1000);
    expect(server.hits).toBe(1);
  });

  it('times out a server that sends headers but never finishes the body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"data":');
    });
    const fetcher = make({ subgraph: 'slow-body', timeoutMs: 300 });
    const error = await errorOf(post(fetcher, server.url));
    expect(error.code).toBe('SUBGRAPH_TIMEOUT');
  });

  it('rejects on a closed port with ECONNREFUSED', async () => {
    const fetcher = make({ subgraph: 'dead' });
    const error = await errorOf(post(fetcher, await closedPortUrl()));
    expect(error.code).toBe('ECONNREFUSED');
    expect(downstreamError('dead', error).extensions).toEqual({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'dead',
    });
  });

  it('opens after 5 consecutive 5xx, fails fast without reaching the server, half-opens and closes', async () => {
    const server = await serve();
    server.status = 503;
    const fetcher = make({ subgraph: 'flaky', breaker: { openMs: 300 } });
    for (let i = 0; i < 5; i++) {
      expect(fetcher.state()).toBe('closed');
      expect((await post(fetcher, server.url)).status).toBe(503);
    }
    expect(fetcher.state()).toBe('open');
    expect(server.hits).toBe(5);

    const started = performance.now();
    const error = await errorOf(post(fetcher, server.url));
    expect(performance.now() - started).toBeLessThan(20);
    expect(error.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect(error.message).toContain('"flaky"');
    expect(server.hits).toBe(5);

    await sleep(320);
    expect(fetcher.state()).toBe('half-open');
    server.status = 200;
    expect((await post(fetcher, server.url)).status).toBe(200);
    expect(fetcher.state()).toBe('closed');
    expect(server.hits).toBe(6);
  });

  it('opens on timeouts and connection failures too; a failed trial re-opens it', async () => {
    const url = await closedPortUrl();
    const fetcher = make({
      subgraph: 'down',
      timeoutMs: 200,
      breaker: { failureThreshold: 3, openMs: 200 },
    });
    for (let i = 0; i < 3; i++) await errorOf(post(fetcher, url));
    expect(fetcher.state()).toBe('open');
    await sleep(220);
    expect(fetcher.state()).toBe('half-open');
    expect((await errorOf(post(fetcher, url))).code).toBe('ECONNREFUSED');
    expect(fetcher.state()).toBe('open');

    const hung = await serve(() => {});
    const slow = make({ subgraph: 'slow', timeoutMs: 100, breaker: { failureThreshold: 2 } });
    await Promise.all([errorOf(post(slow, hung.url)), errorOf(post(slow, hung.url))]);
    expect(slow.state()).toBe('open');
  });

  it('lets exactly one trial through while half-open', async () => {
    const server = await serve((_req, res, self) => {
      setTimeout(() => {
        res.writeHead(self.status);
        res.end('{}');
      }, 100);
    });
    server.status = 500;
    const fetcher = make({ subgraph: 'one', breaker: { failureThreshold: 1, openMs: 100 } });
    await post(fetcher, server.url);
    expect(fetcher.state()).toBe('open');
    await sleep(120);
    server.status = 200;
    const trial = post(fetcher, server.url);
    const other = await errorOf(post(fetcher, server.url));
    expect(other.code).toBe('SUBGRAPH_UNAVAILABLE');
    expect((await trial).status).toBe(200);
    expect(fetcher.state()).toBe('closed');
    expect(server.hits).toBe(2);
  });

  it('a success resets the consecutive failure count; 4xx is not a failure', async () => {
    const server = await serve();
    const fetcher = make({ subgraph: 'mixed', breaker: { failureThreshold: 3 } });
    for (const status of [500, 500, 200, 500, 500, 400, 400, 500, 500]) {
      server.status = status;
      await post(fetcher, server.url);
    }
    expect(fetcher.state()).toBe('closed');
  });

  it('reuses keep-alive connections: 20 sequential requests use at most 2 sockets', async () => {
    const server = await serve();
    const fetcher = make({ subgraph: 'pooled' });
    for (let i = 0; i < 20; i++) await (await post(fetcher, server.url)).json();
    expect(server.hits).toBe(20);
    expect(server.connections).toBeLessThanOrEqual(2);

    const other = await serve();
    const noPool = make({ subgraph: 'unpooled', keepAlive: false });
    for (let i = 0; i < 5; i++) await (await post(noPool, other.url)).json();
    expect(other.connections).toBe(5);
  });

  it("honours the caller's abort signal without counting it as a failure", async () => {
    const server = await serve(() => {});
    const fetcher = make({ subgraph: 'abort', breaker: { failureThreshold: 1 } });
    const error = await errorOf(
      fetcher(server.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }),
    );
    expect(error.name).toBe('TimeoutError');
    expect(fetcher.state()).toBe('closed');
  });
});

describe('downstreamError', () => {
  it('maps timeouts, open breakers and connection failures to coded errors naming the service', () => {
    const timeout = Object.assign(new Error('Subgraph "a" did not answer within 2000 ms'), {
      code: 'SUBGRAPH_TIMEOUT',
    });
    expect(downstreamError('a', timeout).extensions).toEqual({
      code: 'SUBGRAPH_TIMEOUT',
      serviceName: 'a',
    });
    expect(downstreamError('a', timeout).message).toContain('"a"');
    const open = Object.assign(new Error('Subgraph "a" is unavailable (circuit open)'), {
      code: 'SUBGRAPH_UNAVAILABLE',
    });
    expect(downstreamError('a', open).extensions?.code).toBe('SUBGRAPH_UNAVAILABLE');
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:4002'), {
      code: 'ECONNREFUSED',
    });
    const mapped = downstreamError('a', refused);
    expect(mapped.message).toBe('Subgraph "a" is unavailable');
    expect(mapped.message).not.toContain('10.0.0.1');
    const other = downstreamError('a', new SyntaxError('Unexpected token < in JSON'));
    expect(other.extensions).toEqual({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'a' });
    expect(other.message).not.toContain('JSON');
  });
});
