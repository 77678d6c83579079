import { ApolloServer } from '@apollo/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  graphqlMetricsPlugin,
  HttpMetrics,
  startHttpServer,
  type RunningHttpServer,
} from '../src/index';

const typeDefs = `type Query { hello: String  boom: String }`;
const resolvers = {
  Query: {
    hello: () => 'world',
    boom: () => {
      throw new Error('kaput');
    },
  },
};

async function start(service: string): Promise<RunningHttpServer> {
  const metrics = new HttpMetrics(service);
  const apollo = new ApolloServer({
    typeDefs,
    resolvers,
    plugins: [graphqlMetricsPlugin(metrics)],
    includeStacktraceInErrorResponses: false,
  });
  await apollo.start();
  const http = await startHttpServer({
    apollo,
    context: async () => ({}),
    port: 0,
    metrics,
    routes: { 'GET /things': (_req, res) => void res.end('ok') },
  });
  return {
    ...http,
    async stop() {
      await http.stop(1_000);
      await apollo.stop();
    },
  };
}

const base = (server: RunningHttpServer) => server.url.replace(/\/graphql$/, '');

async function scrape(server: RunningHttpServer): Promise<{ type: string; text: string }> {
  const response = await fetch(`${base(server)}/metrics`);
  expect(response.status).toBe(200);
  return { type: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of the sample `name{labels}` (labels in prom-client's order), or 0 when absent. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

const gql = (server: RunningHttpServer, query: string) =>
  fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });

describe('GET /metrics', () => {
  let alpha: RunningHttpServer;
  let beta: RunningHttpServer;

  beforeAll(async () => {
    alpha = await start('alpha');
    beta = await start('beta');
  });
  afterAll(async () => {
    await alpha?.stop();
    await beta?.stop();
  });

  it('should expose Prometheus text with request counts that rise, per server', async () => {
    const before = await scrape(alpha);
    expect(before.type).toContain('text/plain');
    const ok = 'service="alpha",method="POST",route="/graphql",status="200"';
    const start = sample(before.text, 'http_requests_total', ok);

    for (let i = 0; i < 3; i++) expect((await gql(alpha, '{ hello }')).status).toBe(200);
    await fetch(`${base(alpha)}/healthz`);
    await fetch(`${base(alpha)}/things?id=123`);
    await fetch(`${base(alpha)}/users/42`);

    const after = (await scrape(alpha)).text;
    expect(sample(after, 'http_requests_total', ok)).toBe(start + 3);
    expect(after).toContain('# TYPE http_request_duration_seconds histogram');
    expect(
      sample(
        after,
        'http_request_duration_seconds_count',
        'service="alpha",method="POST",route="/graphql",status="200"',
      ),
    ).toBe(start + 3);
    expect(
      sample(
        after,
        'http_requests_total',
        'service="alpha",method="GET",route="/healthz",status="200"',
      ),
    ).toBe(1);
    // Routes are fixed paths: no query strings, unknown paths collapse into `other`.
    expect(
      sample(
        after,
        'http_requests_total',
        'service="alpha",method="GET",route="/things",status="200"',
      ),
    ).toBe(1);
    expect(
      sample(
        after,
        'http_requests_total',
        'service="alpha",method="GET",route="other",status="404"',
      ),
    ).toBe(1);
    expect(after).not.toContain('/users/42');
    // Default process metrics, labelled with the service.
    expect(after).toMatch(/process_cpu_user_seconds_total\{service="alpha"\}/);
    expect(after).toMatch(/nodejs_heap_size_total_bytes\{service="alpha"\}/);
  });

  it('should count GraphQL operations and error codes', async () => {
    await gql(alpha, '{ hello }');
    await gql(alpha, '{ boom }');
    await gql(alpha, '{ nope }');
    const text = (await scrape(alpha)).text;
    expect(
      sample(
        text,
        'graphql_operations_total',
        'service="alpha",operation_type="query",outcome="success"',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(
        text,
        'graphql_operations_total',
        'service="alpha",operation_type="query",outcome="error"',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'graphql_operations_total',
        'service="alpha",operation_type="unknown",outcome="error"',
      ),
    ).toBe(1);
    expect(
      sample(text, 'graphql_errors_total', 'service="alpha",code="INTERNAL_SERVER_ERROR"'),
    ).toBe(1);
    expect(
      sample(text, 'graphql_errors_total', 'service="alpha",code="GRAPHQL_VALIDATION_FAILED"'),
    ).toBe(1);
  });

  it('should keep two servers in one process apart', async () => {
    const betaBefore = (await scrape(beta)).text;
    const label = 'service="beta",method="POST",route="/graphql",status="200"';
    const start = sample(betaBefore, 'http_requests_total', label);
    await gql(beta, '{ hello }');
    const alphaText = (await scrape(alpha)).text;
    const betaText = (await scrape(beta)).text;
    expect(sample(betaText, 'http_requests_total', label)).toBe(start + 1);
    expect(betaText).not.toContain('service="alpha"');
    expect(alphaText).not.toContain('service="beta"');
    // Each metric family appears once per exposition.
    expect(betaText.match(/# TYPE http_requests_total counter/g)).toHaveLength(1);
  });

  it('should label servers without explicit metrics as service "http"', async () => {
    const apollo = new ApolloServer({ typeDefs, resolvers });
    await apollo.start();
    const server = await startHttpServer({ apollo, context: async () => ({}), port: 0 });
    try {
      await fetch(`${base(server)}/healthz`);
      const text = (await scrape(server)).text;
      expect(
        sample(
          text,
          'http_requests_total',
          'service="http",method="GET",route="/healthz",status="200"',
        ),
      ).toBe(1);
      expect(server.metrics.service).toBe('http');
    } finally {
      await server.stop(1_000);
      await apollo.stop();
    }
  });
});
