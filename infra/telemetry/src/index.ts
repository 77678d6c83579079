/**
 * `@shop/telemetry`: OpenTelemetry tracing for every ShopGraph process, off unless configured.
 *
 * {@link initTelemetry} registers a global tracer provider (AsyncLocalStorage context, W3C
 * trace-context propagation) when `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (spans go out over OTLP/HTTP) or an exporter is
 * passed (tests). Otherwise nothing is registered, {@link tracingEnabled} stays false and the
 * callers skip tracing altogether: the disabled path costs one boolean check.
 *
 * In the embedded graph every subgraph shares one process, hence one provider and one resource:
 * each span names the service it belongs to by its tracer name and the {@link SERVICE_ATTRIBUTE}
 * attribute.
 *
 * @packageDocumentation
 */
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { telemetryEnv } from './env';

export { SpanKind, SpanStatusCode };
export type { Attributes, Context, Span };

/** Span attribute naming the ShopGraph service (`gateway`, `order`, …) a span belongs to. */
export const SERVICE_ATTRIBUTE = 'shop.service';

/** Options of {@link initTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of the process's resource (`OTEL_SERVICE_NAME` wins when set). */
  serviceName: string;
  /**
   * Where spans go instead of OTLP (tests pass an `InMemorySpanExporter`); each span is exported
   * as soon as it ends. Passing one enables tracing whatever the environment says.
   */
  exporter?: SpanExporter;
  /** Environment to read; default `process.env`. */
  env?: Record<string, string | undefined>;
}

let provider: NodeTracerProvider | undefined;
let enabled = false;
const w3c = new W3CTraceContextPropagator();
const NOOP_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** The OTLP/HTTP traces URL configured in `env`, if any (standard `OTEL_*` variables). */
export function otlpTracesUrl(env: Record<string, string | undefined>): string | undefined {
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

/**
 * Starts tracing for this process when configured (see the package comment); returns whether
 * tracing is on. Idempotent: later calls keep the first provider. `OTEL_SDK_DISABLED=true` or
 * `OTEL_TRACES_EXPORTER=none` keep it off; `OTEL_TRACES_SAMPLER`/`_ARG` pick the sampler
 * (default parent-based always-on).
 */
export function initTelemetry(options: TelemetryOptions): boolean {
  if (provider) return true;
  const env = options.env ?? telemetryEnv();
  let processor: SpanProcessor;
  if (options.exporter) {
    processor = new SimpleSpanProcessor(options.exporter);
  } else {
    const url = otlpTracesUrl(env);
    if (!url || env.OTEL_SDK_DISABLED === 'true' || env.OTEL_TRACES_EXPORTER === 'none') {
      return false;
    }
    processor = new BatchSpanProcessor(new OTLPTraceExporter({ url }));
  }
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || options.serviceName;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [serviceAttributeProcessor(serviceName), processor],
  });
  provider.register({ propagator: w3c });
  enabled = true;
  return true;
}

/**
 * Flushes pending spans and unregisters the provider (tracing is then off until the next
 * {@link initTelemetry}). Safe to call when tracing never started.
 */
export async function shutdownTelemetry(): Promise<void> {
  const current = provider;
  if (!current) return;
  provider = undefined;
  enabled = false;
  try {
    await current.shutdown();
  } finally {
    trace.disable();
    context.disable();
    propagation.disable();
  }
}

/** Whether {@link initTelemetry} turned tracing on: the one check of the disabled path. */
export function tracingEnabled(): boolean {
  return enabled;
}

/** The active span, if tracing is on and one is active. */
export function activeSpan(): Span | undefined {
  return enabled ? trace.getActiveSpan() : undefined;
}

/** Options of {@link withSpan}. */
export interface SpanOptions {
  /** The ShopGraph service the span belongs to: tracer name and {@link SERVICE_ATTRIBUTE}. */
  service: string;
  /** Default `INTERNAL`. */
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent context; default the active one (see {@link extractContext} for remote parents). */
  parent?: Context;
  links?: Link[];
}

/**
 * Runs `fn` inside a new span (active for everything `fn` awaits) and ends it when `fn`
 * settles; a throw records the exception, sets status ERROR and is rethrown. When tracing is
 * off, `fn` runs with a non-recording span and nothing is created.
 */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  if (!enabled) return fn(NOOP_SPAN);
  const parent = options.parent ?? context.active();
  const span = startSpan(name, { ...options, parent });
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    markFailed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Starts a span without making it active; the caller ends it (`span.end()`). A non-recording
 * span when tracing is off. Prefer {@link withSpan} unless the span outlives one callback.
 */
export function startSpan(name: string, options: SpanOptions): Span {
  if (!enabled) return NOOP_SPAN;
  return trace.getTracer(options.service).startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: { [SERVICE_ATTRIBUTE]: options.service, ...options.attributes },
      ...(options.links ? { links: options.links } : {}),
    },
    options.parent ?? context.active(),
  );
}

/** The W3C `traceparent` naming `span` as the parent; undefined when tracing is off. */
export function traceparentOf(span: Span): string | undefined {
  return injectTraceparent(trace.setSpan(ROOT_CONTEXT, span));
}

/** Records `error` on `span` and sets its status to ERROR. */
export function markFailed(span: Span, error: unknown): void {
  if (error instanceof Error) span.recordException(error);
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/**
 * The W3C `traceparent` of `ctx` (default: the active context), for a request header or an
 * event envelope; undefined when tracing is off or there is no valid span in `ctx`.
 */
export function injectTraceparent(ctx: Context = context.active()): string | undefined {
  if (!enabled) return undefined;
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, defaultTextMapSetter);
  return carrier.traceparent;
}

/**
 * `base` (default: the root context) with the remote span context of `traceparent` as its
 * parent; `base` unchanged when `traceparent` is absent or malformed.
 */
export function extractContext(
  traceparent: string | undefined,
  base: Context = ROOT_CONTEXT,
): Context {
  if (!traceparent) return base;
  return w3c.extract(base, { traceparent }, defaultTextMapGetter);
}

/**
 * Gives every span without {@link SERVICE_ATTRIBUTE} (e.g. `@apollo/gateway`'s own spans) the
 * one of its local parent, else the process's service name.
 */
function serviceAttributeProcessor(serviceName: string): SpanProcessor {
  return {
    onStart(span, parentContext) {
      if (span.attributes[SERVICE_ATTRIBUTE] !== undefined) return;
      const parent = trace.getSpan(parentContext) as { attributes?: Attributes } | undefined;
      const inherited = parent?.attributes?.[SERVICE_ATTRIBUTE];
      span.setAttribute(SERVICE_ATTRIBUTE, typeof inherited === 'string' ? inherited : serviceName);
    },
    onEnd() {},
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
