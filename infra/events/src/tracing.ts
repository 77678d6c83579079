import {
  extractContext,
  injectTraceparent,
  markFailed,
  SpanKind,
  startSpan,
  traceparentOf,
  tracingEnabled,
  withSpan,
  type Attributes,
  type Span,
} from '@shop/telemetry';
import type { EventHandler } from './bus';
import type { EventEnvelope } from './envelope';

/** `messaging.system` of each adapter (OpenTelemetry messaging conventions). */
export type MessagingSystem = 'kafka' | 'shop_log_bus';

/**
 * The W3C `traceparent` of the active span for a new event, or undefined (tracing off, or no
 * span active). The outbox stamps it on envelopes that carry none.
 */
export function currentTraceparent(): string | undefined {
  return tracingEnabled() ? injectTraceparent() : undefined;
}

/**
 * Publishes `envelopes` with one PRODUCER span per traced envelope (child of the envelope's
 * `traceparent`, i.e. of the request that wrote it), and sends each such envelope with its
 * `traceparent` replaced by the producer span's, so consumers become children of the publish.
 * The span belongs to the envelope's `source`. Envelopes without a `traceparent`, and all of
 * them when tracing is off, go out unchanged.
 */
export function publishTraced(
  system: MessagingSystem,
  envelopes: EventEnvelope[],
  publish: (envelopes: EventEnvelope[]) => Promise<void>,
): Promise<void> {
  if (!tracingEnabled() || !envelopes.some((envelope) => envelope.traceparent)) {
    return publish(envelopes);
  }
  return publishWithSpans(system, envelopes, publish);
}

async function publishWithSpans(
  system: MessagingSystem,
  envelopes: EventEnvelope[],
  publish: (envelopes: EventEnvelope[]) => Promise<void>,
): Promise<void> {
  const spans: Span[] = [];
  const sent = envelopes.map((envelope) => {
    if (!envelope.traceparent) return envelope;
    const span = startSpan(`publish ${envelope.topic}`, {
      service: envelope.source,
      kind: SpanKind.PRODUCER,
      parent: extractContext(envelope.traceparent),
      attributes: messagingAttributes(system, envelope, 'publish'),
    });
    spans.push(span);
    return { ...envelope, traceparent: traceparentOf(span) ?? envelope.traceparent };
  });
  try {
    await publish(sent);
  } catch (error) {
    for (const span of spans) markFailed(span, error);
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
}

/**
 * Wraps a subscriber's handler: each delivery of an event carrying a `traceparent` runs inside
 * a CONSUMER span whose parent is that context (the producer span), so the handler's own work
 * (database writes, further events) joins the producer's trace. A parent rather than a link:
 * one handler call handles exactly one event, and a parent keeps request → publish → consume as
 * one trace. Each attempt is its own span (a failure is recorded on it). The span belongs to
 * the service named by the group up to its first `-` (`product-search` → `product`). When
 * tracing is off the handler is returned as is.
 */
export function traceHandler(
  system: MessagingSystem,
  group: string,
  handler: EventHandler,
): EventHandler {
  if (!tracingEnabled()) return handler;
  const service = group.split('-')[0] || group;
  return (envelope) => {
    if (!envelope.traceparent) return handler(envelope);
    return withSpan(
      `process ${envelope.topic}`,
      {
        service,
        kind: SpanKind.CONSUMER,
        parent: extractContext(envelope.traceparent),
        attributes: {
          ...messagingAttributes(system, envelope, 'process'),
          'messaging.consumer.group.name': group,
        },
      },
      () => handler(envelope),
    );
  };
}

function messagingAttributes(
  system: MessagingSystem,
  envelope: EventEnvelope,
  operation: 'publish' | 'process',
): Attributes {
  return {
    'messaging.system': system,
    'messaging.operation.type': operation,
    'messaging.destination.name': envelope.topic,
    'messaging.message.id': envelope.id,
    'shop.event.type': envelope.type,
    'shop.event.subject': envelope.subject,
  };
}
