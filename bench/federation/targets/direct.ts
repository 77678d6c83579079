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
import { createServer } from 'node:http';

interface Plan {
  fetches: Array<{ url: string; body: string }>;
  response: string;
}

const plan = JSON.parse(readFileSync(process.env.DIRECT_PLAN ?? '', 'utf8')) as Plan;
const response = Buffer.from(plan.response);

async function replay(): Promise<void> {
  await Promise.all(
    plan.fetches.map(async ({ url, body }) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    }),
  );
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
