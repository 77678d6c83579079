/**
 * Test helpers of `@shop/telemetry`: tracing into memory, so tests can assert on the spans a
 * flow produced.
 *
 * @packageDocumentation
 */
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { initTelemetry, SERVICE_ATTRIBUTE } from './index';

export { InMemorySpanExporter };
export type { ReadableSpan };

/**
 * Turns tracing on for this process with every span exported to memory as it ends (whatever
 * the environment says); returns the exporter. Stop with `shutdownTelemetry()`.
 */
export function startMemoryTracing(serviceName = 'test'): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  initTelemetry({ serviceName, exporter, env: {} });
  return exporter;
}

/** The service a span belongs to (its `shop.service` attribute). */
export function serviceOf(span: ReadableSpan): string | undefined {
  const value = span.attributes[SERVICE_ATTRIBUTE];
  return typeof value === 'string' ? value : undefined;
}

/** The trace id of a W3C `traceparent`. */
export function traceIdOf(traceparent: string): string {
  return traceparent.split('-')[1] ?? '';
}

/**
 * The chain of ancestors of `span` found in `spans`, nearest first (stops at a parent not in
 * `spans`, e.g. a remote client's).
 */
export function ancestorsOf(span: ReadableSpan, spans: ReadableSpan[]): ReadableSpan[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const chain: ReadableSpan[] = [];
  let parentId = span.parentSpanContext?.spanId;
  while (parentId) {
    const parent = byId.get(parentId);
    if (!parent || chain.includes(parent)) break;
    chain.push(parent);
    parentId = parent.parentSpanContext?.spanId;
  }
  return chain;
}
