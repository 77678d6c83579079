/**
 * Target **direct** (a ceiling): no planning, no merging. For every request it sends the
 * subgraph requests that our gateway's plan sent for one query alone (recorded by the harness
 * from the subgraphs, bodies byte for byte) straight to the subgraphs, all at once, waits for
 * every answer, and returns the reference response (the gateways' verified answer) as is.
 * Real plans wait between dependent fetches, so its latency is a lower bound; its req/s is
 * what the subgraphs and the transport allow for that many fetches.
 *
 * Env: PORT, DIRECT_PLAN (a JSON file: `{ fetches: [{ url, body }], response }`).
 */
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';

interface Plan {
  fetches: Array<{ url: string; body: string }>;
  response: string;
}

const plan = JSON.parse(readFileSync(process.env.DIRECT_PLAN ?? '', 'utf8')) as Plan;
const response = Buffer.from(plan.response);
// node:http with keep-alive: cheaper per request than `fetch` (undici's WHATWG layer), so the
// ceiling is not lowered by this process's own client.
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const fetches = plan.fetches.map(({ url, body }) => ({
  url: new URL(url),
  body: Buffer.from(body),
}));

function send(target: (typeof fetches)[number]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      target.url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': target.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve()
            : reject(new Error(`${target.url.href} answered ${res.statusCode}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(target.body);
  });
}

async function replay(): Promise<void> {
  await Promise.all(fetches.map(send));
}

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    replay().then(
      () => {
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': response.length,
        });
        res.end(response);
      },
      (error: unknown) => {
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: String(error) }] }));
      },
    );
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(
    `[direct] listening on :${process.env.PORT}, ${plan.fetches.length} fetches per request`,
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
