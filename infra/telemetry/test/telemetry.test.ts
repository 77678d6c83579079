import { context, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  extractContext,
  initTelemetry,
  injectTraceparent,
  otlpTracesUrl,
  SERVICE_ATTRIBUTE,
  shutdownTelemetry,
  SpanKind,
  SpanStatusCode,
  startSpan,
  traceparentOf,
  tracingEnabled,
  withSpan,
} from '../src/index';
import { ancestorsOf, InMemorySpanExporter, startMemoryTracing, traceIdOf } from '../src/testing';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

afterEach(async () => {
  await shutdownTelemetry();
});

describe('when tracing is not configured', () => {
  it('registers nothing and runs work without spans', async () => {
    expect(initTelemetry({ serviceName: 'svc', env: {} })).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const seen = await withSpan('work', { service: 'svc' }, (span) => {
      expect(span.isRecording()).toBe(false);
      return injectTraceparent();
    });
    expect(seen).toBeUndefined();
    expect(startSpan('loose', { service: 'svc' }).isRecording()).toBe(false);
  });

  it('stays off when OTEL_SDK_DISABLED or OTEL_TRACES_EXPORTER=none say so', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:1' };
    expect(
      initTelemetry({ serviceName: 's', env: { ...endpoint, OTEL_SDK_DISABLED: 'true' } }),
    ).toBe(false);
    expect(
      initTelemetry({ serviceName: 's', env: { ...endpoint, OTEL_TRACES_EXPORTER: 'none' } }),
    ).toBe(false);
    expect(tracingEnabled()).toBe(false);
  });

  it('derives the OTLP traces URL from the standard variables', () => {
    expect(otlpTracesUrl({})).toBeUndefined();
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
      }),
    ).toBe('http://other:4318/custom');
  });
});

describe('when tracing is on', () => {
  it('records nested spans with their service and parent, and injects the active context', async () => {
    const exporter = startMemoryTracing();
    expect(tracingEnabled()).toBe(true);
    let injected: string | undefined;
    await withSpan('outer', { service: 'gateway', kind: SpanKind.SERVER }, async () => {
      await withSpan('inner', { service: 'order', attributes: { extra: 1 } }, async () => {
        injected = injectTraceparent();
      });
    });
    const [inner, outer] = exporter.getFinishedSpans();
    expect(outer?.name).toBe('outer');
    expect(inner?.name).toBe('inner');
    expect(outer?.kind).toBe(SpanKind.SERVER);
    expect(outer?.attributes[SERVICE_ATTRIBUTE]).toBe('gateway');
    expect(inner?.attributes).toMatchObject({ [SERVICE_ATTRIBUTE]: 'order', extra: 1 });
    expect(inner?.instrumentationScope.name).toBe('order');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    const match = TRACEPARENT.exec(injected ?? '');
    expect(match?.[1]).toBe(inner?.spanContext().traceId);
    expect(match?.[2]).toBe(inner?.spanContext().spanId);
  });

  it('continues a remote trace from a traceparent, and ignores a malformed one', async () => {
    const exporter = startMemoryTracing();
    const remote = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await withSpan('child', { service: 's', parent: extractContext(remote) }, () => undefined);
    await withSpan('fresh', { service: 's', parent: extractContext('garbage') }, () => undefined);
    const [child, fresh] = exporter.getFinishedSpans();
    expect(child?.spanContext().traceId).toBe(traceIdOf(remote));
    expect(child?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(child?.parentSpanContext?.isRemote).toBe(true);
    expect(fresh?.parentSpanContext).toBeUndefined();
    expect(fresh?.spanContext().traceId).not.toBe(traceIdOf(remote));
  });

  it('marks a failing span as an error and rethrows', async () => {
    const exporter = startMemoryTracing();
    await expect(
      withSpan('boom', { service: 's' }, () => {
        throw new Error('kaput');
      }),
    ).rejects.toThrow('kaput');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'kaput' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
  });

  it('names a started span in its traceparent and gives unmarked spans the parent service', async () => {
    const exporter = startMemoryTracing('fallback');
    const producer = startSpan('publish', { service: 'order', kind: SpanKind.PRODUCER });
    const traceparent = traceparentOf(producer)!;
    producer.end();
    await withSpan(
      'consume',
      { service: 'notification', parent: extractContext(traceparent) },
      () => undefined,
    );
    const [published, consumed] = exporter.getFinishedSpans();
    expect(consumed && ancestorsOf(consumed, exporter.getFinishedSpans())).toEqual([published]);
    // A third-party span (no shop.service) inherits its parent's, or the process's name.
    await withSpan('mine', { service: 'product' }, () => {
      trace.getTracer('third-party').startSpan('theirs', {}, context.active()).end();
    });
    trace.getTracer('third-party').startSpan('orphan').end();
    const spans = exporter.getFinishedSpans();
    expect(spans.find((s) => s.name === 'theirs')?.attributes[SERVICE_ATTRIBUTE]).toBe('product');
    expect(spans.find((s) => s.name === 'orphan')?.attributes[SERVICE_ATTRIBUTE]).toBe('fallback');
  });

  it('keeps the first provider on a second init, and stops on shutdown', async () => {
    const first = startMemoryTracing();
    const second = new InMemorySpanExporter();
    expect(initTelemetry({ serviceName: 'again', exporter: second })).toBe(true);
    await withSpan('once', { service: 's' }, () => undefined);
    expect(first.getFinishedSpans()).toHaveLength(1);
    expect(second.getFinishedSpans()).toHaveLength(0);
    await shutdownTelemetry();
    expect(tracingEnabled()).toBe(false);
    expect(injectTraceparent()).toBeUndefined();
  });
});
