import type { EventEnvelope } from './envelope';

/** Handles one event. Throwing means "not handled": the bus delivers the event again. */
export type EventHandler = (envelope: EventEnvelope) => Promise<void>;

/** A message a consumer could not handle: malformed, or failed `maxAttempts` times. */
export interface DeadLetter {
  group: string;
  topic: string;
  /** Partition key as read from the bus (the envelope's subject when well-formed). */
  key: string | null;
  /** Where it was read: `<position>` on the log bus, `<partition>:<offset>` on Kafka. */
  position: string;
  /** The message as read, JSON text when possible. */
  raw: string;
  reason: string;
}

/** Between an ephemeral group's prefix and its unique suffix (see `SubscribeOptions.ephemeral`). */
export const EPHEMERAL_GROUP_MARK = '~ephemeral~';

/** Options of {@link EventBus.subscribe}. */
export interface SubscribeOptions {
  /** Consumer group: every group gets every event; members of one group share the work. */
  group: string;
  topics: string[];
  handler: EventHandler;
  /** Where a group without a committed position starts; default false (only new events). */
  fromBeginning?: boolean;
  /**
   * Called (after logging) for messages that are not valid envelopes, and for events whose
   * handler failed `maxAttempts` times; the consumer then moves on. Errors it throws are logged.
   */
  onDeadLetter?: (letter: DeadLetter) => Promise<void> | void;
  /** Handler attempts per event before it is dead-lettered; default unlimited (block and retry). */
  maxAttempts?: number;
  /**
   * A group of its own for this subscription, for as long as it runs: every process that
   * subscribes gets every event (a per-process broadcast, such as clearing an in-memory cache),
   * from the log's end (`fromBeginning` is ignored). `group` is then a name prefix: the bus adds
   * a unique suffix, and on the log bus deletes the group's position and lease when the
   * subscription stops, and those of ephemeral members that died without stopping (lease
   * expired longer than `ephemeralGraceMs` ago) when another ephemeral subscription starts. On
   * Kafka the group is left to the broker (an empty group's offsets expire after
   * `offsets.retention.minutes`).
   */
  ephemeral?: boolean;
}

/** A running subscription. */
export interface Subscription {
  /** Stops consuming; resolves after the in-flight handler call has finished. */
  stop(): Promise<void>;
}

/**
 * The event bus port. Delivery is at-least-once and in order per key (`subject`) within a
 * topic; pair consumers with `idempotentHandler` for exactly-once effects.
 */
export interface EventBus {
  /** Publishes envelopes, in order; resolves only once the bus has durably accepted them all. */
  publish(envelopes: EventEnvelope[]): Promise<void>;
  /** Starts a consumer; resolves once it is consuming. */
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Stops all subscriptions and releases connections (not the database passed in). */
  close(): Promise<void>;
}

/** Minimal logger; defaults to the shared redacting logger (`@shop/log`). */
export interface EventLogger {
  warn(message: string): void;
  error(message: string): void;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Exponential backoff with jitter: 50 ms doubling up to `capMs`. */
export function backoffMs(attempt: number, capMs = 1_500): number {
  const base = Math.min(capMs, 50 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + (Math.random() * base) / 2);
}

/** Message of an unknown error value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Logs a dead letter and hands it to the subscriber's callback, never throwing. */
export async function reportDeadLetter(
  letter: DeadLetter,
  options: Pick<SubscribeOptions, 'onDeadLetter'>,
  logger: EventLogger,
): Promise<void> {
  logger.warn(
    `[events] dead letter group=${letter.group} topic=${letter.topic} at=${letter.position}: ${letter.reason}`,
  );
  try {
    await options.onDeadLetter?.(letter);
  } catch (error) {
    logger.error(`[events] onDeadLetter failed: ${errorMessage(error)}`);
  }
}
