import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initTelemetry, shutdownTelemetry, SpanKind, withSpan } from '../src/index';

interface Received {
  method: string;
  path: string;
  contentType: string;
  body: string;
}

let server: Server;
let endpoint: string;
const received: Received[] = [];

const readAll = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

beforeAll(async () => {
  // A stand-in OTLP/HTTP collector on 127.0.0.1 that keeps what it receives.
  server = createServer((req, res) => {
    void readAll(req).then((body) => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body,
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await shutdownTelemetry();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, flushed by shutdown', async () => {
  const env = { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'otlp-export-test' };
  expect(initTelemetry({ serviceName: 'ignored-for-otel-service-name', env })).toBe(true);
  await withSpan('checkout', { service: 'order', kind: SpanKind.SERVER }, async () => {
    await withSpan('reserve stock', { service: 'product' }, () => undefined);
  });
  // Batched: nothing is guaranteed to be sent before the flush in shutdown.
  await shutdownTelemetry();

  const traces = received.filter((r) => r.path === '/v1/traces');
  expect(traces.length).toBeGreaterThan(0);
  expect(traces.every((r) => r.method === 'POST')).toBe(true);
  // @opentelemetry/exporter-trace-otlp-http sends OTLP JSON.
  expect(traces[0]?.contentType).toContain('application/json');
  const payloads = traces.map(
    (r) =>
      JSON.parse(r.body) as {
        resourceSpans: Array<{
          resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
          scopeSpans: Array<{
            scope: { name: string };
            spans: Array<{
              name: string;
              traceId: string;
              attributes: Array<{ key: string; value: { stringValue?: string } }>;
            }>;
          }>;
        }>;
      },
  );
  const resourceSpans = payloads.flatMap((p) => p.resourceSpans);
  const serviceNames = resourceSpans.flatMap((rs) =>
    rs.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue),
  );
  expect(new Set(serviceNames)).toEqual(new Set(['otlp-export-test']));
  const spans = resourceSpans.flatMap((rs) =>
    rs.scopeSpans.flatMap((ss) => ss.spans.map((span) => ({ ...span, scope: ss.scope.name }))),
  );
  expect(spans.map((s) => s.name).sort()).toEqual(['checkout', 'reserve stock']);
  const checkout = spans.find((s) => s.name === 'checkout')!;
  expect(checkout.scope).toBe('order');
  expect(checkout.attributes).toContainEqual({
    key: 'shop.service',
    value: { stringValue: 'order' },
  });
  expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
});
