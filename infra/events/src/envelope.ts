import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { EventBody, EventData, EventType } from '@shop/schema/events';

export { TOPICS, type TopicName } from '@shop/schema/events';

/** Who caused an event. */
export interface EventActor {
  userId?: string | undefined;
  anonymousId?: string | undefined;
  role?: string | undefined;
}

/**
 * The CloudEvents-like envelope of every domain event (docs/DOMAIN.md §7). `subject` is the
 * aggregate id and the partition key; `sequence` is the aggregate version, so consumers can
 * detect gaps and drop stale events.
 */
export interface EventEnvelope<TData = unknown> {
  /** UUIDv7; also the dedupe key of idempotent consumers. */
  id: string;
  /** e.g. `order.created`. */
  type: string;
  /** Schema version of `data` for this `type`. */
  version: number;
  /** The producing subgraph, e.g. `order`. */
  source: string;
  /** Aggregate id; the partition key, so events of one aggregate stay in order. */
  subject: string;
  /** e.g. `order.events.v1`. */
  topic: string;
  /** ISO-8601 timestamp of when the event happened. */
  time: string;
  /** Per-aggregate monotonic number (= aggregate version), supplied by the producer. */
  sequence: number;
  correlationId?: string | undefined;
  causationId?: string | undefined;
  idempotencyKey?: string | undefined;
  actor?: EventActor | undefined;
  /** W3C trace context of the producing request. */
  traceparent?: string | undefined;
  data: TData;
}

/** An envelope before {@link createEnvelope}: `id`, `time` and `version` are filled in when absent. */
export type NewEnvelope<TData = unknown> = Omit<EventEnvelope<TData>, 'id' | 'time' | 'version'> & {
  id?: string | undefined;
  time?: string | undefined;
  version?: number | undefined;
};

/**
 * A domain event as consumers read it: an envelope whose `type`, `version`, `topic` and `data`
 * match one contract of `@shop/schema/events`. A union discriminated by `type`: compare
 * `event.type` and `event.data` has that type's shape.
 */
export type DomainEvent = EventBody extends infer TBody
  ? TBody extends EventBody
    ? Omit<EventEnvelope, keyof EventBody> & TBody
    : never
  : never;

/**
 * A domain event as a producer writes it (`appendToOutbox`): `type`, `topic` and `data` as its
 * contract says (a wrong payload fails typecheck), `id`, `time` and `version` filled in when
 * absent.
 */
export type NewEvent = EventBody extends infer TBody
  ? TBody extends EventBody
    ? Omit<NewEnvelope, keyof EventBody> &
        Omit<TBody, 'version'> & { version?: TBody['version'] | undefined }
    : never
  : never;

/**
 * `event` as a {@link NewEvent}, for producer helpers generic in the event type:
 * TypeScript cannot relate a generic `type` to its `data` inside the {@link NewEvent} union, so
 * the helper states the relation once here (`data` must be that type's contract data).
 */
export function newEvent<TType extends EventType>(
  event: Omit<NewEnvelope, 'type' | 'data'> & { type: TType; data: EventData<TType> },
): NewEvent {
  return event as NewEnvelope as NewEvent;
}

const optionalText = z.string().min(1).max(512).optional();

/** Validates an envelope read from a bus; consumers dead-letter anything it rejects. */
export const EventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().min(1).max(200),
  version: z.number().int().min(1),
  source: z.string().min(1).max(100),
  subject: z.string().min(1).max(512),
  topic: z.string().min(1).max(249),
  time: z.iso.datetime({ offset: true }),
  sequence: z.number().int().min(0),
  correlationId: optionalText,
  causationId: optionalText,
  idempotencyKey: optionalText,
  actor: z
    .object({ userId: optionalText, anonymousId: optionalText, role: optionalText })
    .optional(),
  traceparent: optionalText,
  data: z.unknown().refine((value) => value !== undefined, 'data is required'),
});

/** Result of {@link parseEnvelope}. */
export type ParsedEnvelope = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/** Validates `value` (an object or a JSON string/Buffer) as an {@link EventEnvelope}. */
export function parseEnvelope(value: unknown): ParsedEnvelope {
  let candidate = value;
  if (typeof value === 'string' || Buffer.isBuffer(value)) {
    try {
      candidate = JSON.parse(value.toString());
    } catch (error) {
      return { ok: false, reason: `invalid JSON: ${(error as Error).message}` };
    }
  }
  const result = EventEnvelopeSchema.safeParse(candidate);
  if (result.success) return { ok: true, envelope: result.data as EventEnvelope };
  const reason = result.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}

/** Fills `id` (UUIDv7), `time` (now) and `version` (1) and validates the result. */
export function createEnvelope<TData>(event: NewEnvelope<TData>): EventEnvelope<TData> {
  const envelope = {
    ...event,
    id: event.id ?? uuidv7(),
    time: event.time ?? new Date().toISOString(),
    version: event.version ?? 1,
  } as EventEnvelope<TData>;
  const parsed = parseEnvelope(envelope);
  if (!parsed.ok) throw new Error(`invalid event ${event.type}: ${parsed.reason}`);
  return envelope;
}

let lastMs = 0;
let counter = 0;

/**
 * A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids made in
 * the same millisecond in creation order within this process, then 62 random bits.
 */
export function uuidv7(now: number = Date.now()): string {
  let ms = Math.max(now, lastMs);
  if (ms === lastMs) {
    counter += 1;
    if (counter > 0xfff) {
      ms += 1;
      counter = 0;
    }
  } else {
    counter = 0;
  }
  lastMs = ms;
  const bytes = randomBytes(16);
  bytes.writeUIntBE(ms, 0, 6);
  bytes[6] = 0x70 | (counter >> 8);
  bytes[7] = counter & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
