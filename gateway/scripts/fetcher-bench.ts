/**
 * Micro-benchmark of the gateway → subgraph transport: `createSubgraphFetcher` (undici `Agent`,
 * with its timeout and breaker) against the node:http keep-alive transport it replaced (same
 * work: buffer the body, build a `Response`). The subgraph stand-in runs in a child process so
 * the CPU measured here is the client's alone (on a shared 2-core box, client CPU per request is
 * what the gateway pays).
 *
 *   npx tsx gateway/scripts/fetcher-bench.ts [requests=20000] [concurrency=64] [rounds=3]
 */
import { fork } from 'node:child_process';
import http, { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { createSubgraphFetcher } from '../src/fetcher';

type Fetch = (url: string, init: FetcherRequestInit) => Promise<FetcherResponse>;

if (process.argv[2] === 'server') {
  // ~2 KB, like one entity batch of a subgraph.
  const body = JSON.stringify({
    data: {
      _entities: Array.from({ length: 20 }, (_, i) => ({
        __typename: 'Product',
        id: `p-${i}`,
        name: `Product ${i}`,
        priceRange: { min: { amountMinor: 1000 + i, currency: 'EUR' } },
      })),
    },
  });
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.((server.address() as AddressInfo).port);
  });
} else {
  const [requests = 20_000, concurrency = 64, rounds = 3] = process.argv.slice(2).map(Number);
  const child = fork(new URL(import.meta.url).pathname, ['server'], {
    execArgv: ['--import', 'tsx'],
  });
  const port = await new Promise<number>((resolve) =>
    child.once('message', (m) => resolve(Number(m))),
  );
  const url = `http://127.0.0.1:${port}/graphql`;

  const undiciFetcher = createSubgraphFetcher({ subgraph: 'bench' });
  // The previous transport: node:http keep-alive agent, body buffered, `Response` built.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const nodeHttp: Fetch = (target, init) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        new URL(target),
        { method: init.method ?? 'GET', headers: init.headers ?? {}, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const headers = new Headers();
            const raw = res.rawHeaders;
            for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
            resolve(
              new Response(Buffer.concat(chunks), { status: res.statusCode ?? 502, headers }),
            );
          });
        },
      );
      const timer = setTimeout(() => req.destroy(), 2_000);
      req.on('close', () => clearTimeout(timer));
      req.on('error', reject);
      req.end(init.body);
    });

  const init: FetcherRequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer x'.repeat(40) },
    body: JSON.stringify({
      query: 'query($r:[_Any!]!){_entities(representations:$r){__typename}}',
    }),
  };
  const run = async (fetch: Fetch) => {
    let sent = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const worker = async () => {
      while (sent < requests) {
        sent += 1;
        const response = await fetch(url, init);
        await response.json();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return { rps: requests / seconds, cpuUsPerRequest: (used.user + used.system) / requests };
  };

  const results: Record<string, Array<{ rps: number; cpuUsPerRequest: number }>> = {
    'node:http': [],
    undici: [],
  };
  await run(nodeHttp); // warm-up
  await run(undiciFetcher);
  for (let round = 0; round < rounds; round++) {
    results['node:http']!.push(await run(nodeHttp));
    results.undici!.push(await run(undiciFetcher));
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [
      name,
      {
        rps: Math.round(median(runs.map((r) => r.rps))),
        cpuUsPerRequest: Math.round(median(runs.map((r) => r.cpuUsPerRequest))),
      },
    ]),
  );
  console.table(summary);
  const a = summary['node:http']!;
  const b = summary.undici!;
  console.log(
    `undici / node:http: throughput ×${(b.rps / a.rps).toFixed(2)}, client CPU per request ×${(b.cpuUsPerRequest / a.cpuUsPerRequest).toFixed(2)}`,
  );
  undiciFetcher.close();
  agent.destroy();
  child.kill();
}
