import {
  createEvent,
  TOPICS,
  type EventBus,
  type EventData,
  type EventEnvelope,
} from '@shop/events';
import { log } from '@shop/log';

/** One subgraph fetch made while executing an operation. */
export interface SubgraphFetch {
  subgraph: string;
  durationMs: number;
  ok: boolean;
}

export const API_USAGE_EVENT_TYPE = 'graphql.operation.completed';

/** `data` of a `graphql.operation.completed` event on `analytics.api-usage.v1` (its contract). */
export type ApiUsageEventData = EventData<typeof API_USAGE_EVENT_TYPE>;

export interface UsageStats {
  /** Accepted and not yet published (buffered or in a publish under way). */
  queued: number;
  published: number;
  /** Events lost: buffer full, failed or timed-out publish, or recorded after stop. */
  dropped: number;
  /** Failed (or timed-out) `publish` calls; each drops its whole batch. */
  failedPublishes: number;
}

export interface UsageReporterOptions {
  bus: EventBus;
  /** Share of operations reported, 0..1; default 1. */
  sampleRate?: number;
  /** Events held in memory at most (queued + being published); default 10,000. */
  bufferSize?: number;
  /** Background flush period; default 250 ms. */
  flushIntervalMs?: number;
  /** Events per `publish` call; a full batch is flushed without waiting for the timer. Default 200. */
  batchSize?: number;
  /** A publish taking longer counts as failed and its batch is dropped; default 10 s. */
  publishTimeoutMs?: number;
  /** Injected for tests; default `Math.random`. */
  random?: () => number;
  logger?: Pick<Console, 'warn'>;
  /** Minimum interval between two publish-failure logs; default 30 s. */
  logIntervalMs?: number;
}

const MAX_SUBJECT_PART = 200;

/**
 * Reports API usage off the request path: `record` only pushes to a bounded in-memory buffer
 * (dropping and counting when full); a background loop publishes batches of envelopes to the
 * bus. Usage is best-effort analytics, so there is no outbox and failed batches are dropped.
 */
export class UsageReporter {
  readonly sampleRate: number;
  private readonly bus: EventBus;
  private readonly bufferSize: number;
  private readonly batchSize: number;
  private readonly publishTimeoutMs: number;
  private readonly random: () => number;
  private readonly logger: Pick<Console, 'warn'>;
  private readonly logIntervalMs: number;
  private readonly buffer: ApiUsageEventData[] = [];
  private inFlight = 0;
  private published = 0;
  private dropped = 0;
  private failedPublishes = 0;
  private lastLogAt = -Infinity;
  private suppressedLogs = 0;
  private running: Promise<void> | undefined;
  private scheduled = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(options: UsageReporterOptions) {
    this.bus = options.bus;
    this.sampleRate = Math.min(1, Math.max(0, options.sampleRate ?? 1));
    this.bufferSize = Math.max(1, options.bufferSize ?? 10_000);
    this.batchSize = Math.max(1, options.batchSize ?? 200);
    this.publishTimeoutMs = options.publishTimeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? log;
    this.logIntervalMs = options.logIntervalMs ?? 30_000;
    this.timer = setInterval(() => this.kick(), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  /** Whether to report the operation that is starting (decided once per operation). */
  sample(): boolean {
    if (this.stopped || this.sampleRate <= 0) return false;
    return this.sampleRate >= 1 || this.random() < this.sampleRate;
  }

  /** Queues one event; never blocks, never throws. */
  record(data: ApiUsageEventData): void {
    if (this.stopped || this.buffer.length + this.inFlight >= this.bufferSize) {
      this.dropped += 1;
      return;
    }
    this.buffer.push(data);
    if (this.buffer.length >= this.batchSize && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.kick();
      });
    }
  }

  stats(): UsageStats {
    return {
      queued: this.buffer.length + this.inFlight,
      published: this.published,
      dropped: this.dropped,
      failedPublishes: this.failedPublishes,
    };
  }

  /** Publishes everything queued so far (batch by batch); resolves when the buffer is empty. */
  async flush(): Promise<void> {
    while (this.running || this.buffer.length > 0) {
      this.kick();
      await this.running;
    }
  }

  /** Stops the loop after flushing what is queued, for up to `timeoutMs` (default 5 s). */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.stopped) return;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.flush(),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
    this.stopped = true;
    this.dropped += this.buffer.length;
    this.buffer.length = 0;
  }

  /** Starts publishing one batch unless a publish is under way. */
  private kick(): void {
    if (this.running || this.buffer.length === 0) return;
    const batch = this.buffer.splice(0, this.batchSize);
    this.inFlight = batch.length;
    this.running = this.publish(batch).finally(() => {
      this.inFlight = 0;
      this.running = undefined;
      // More than a batch may be waiting: keep going without waiting for the timer.
      if (this.buffer.length >= this.batchSize) this.kick();
    });
  }

  private async publish(batch: ApiUsageEventData[]): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const envelopes = batch.map(toEnvelope);
      await Promise.race([
        this.bus.publish(envelopes),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`publish timed out after ${this.publishTimeoutMs} ms`)),
            this.publishTimeoutMs,
          );
        }),
      ]);
      this.published += batch.length;
    } catch (error) {
      this.failedPublishes += 1;
      this.dropped += batch.length;
      this.logFailure(error, batch.length);
    } finally {
      clearTimeout(timer);
    }
  }

  private logFailure(error: unknown, size: number): void {
    const now = Date.now();
    if (now - this.lastLogAt < this.logIntervalMs) {
      this.suppressedLogs += 1;
      return;
    }
    const suppressed = this.suppressedLogs
      ? ` (${this.suppressedLogs} similar failures not logged)`
      : '';
    this.lastLogAt = now;
    this.suppressedLogs = 0;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      `[usage] dropped ${size} usage events: publish failed: ${message}${suppressed}`,
    );
  }
}

/** The envelope of one usage event: subject `client:operation`, sequence 0 (no aggregate). */
export function toEnvelope(data: ApiUsageEventData): EventEnvelope<ApiUsageEventData> {
  const client = (data.clientName ?? 'unknown').slice(0, MAX_SUBJECT_PART) || 'unknown';
  const operation = (data.operationName ?? 'anonymous').slice(0, MAX_SUBJECT_PART) || 'anonymous';
  return createEvent({
    topic: TOPICS.apiUsage,
    type: API_USAGE_EVENT_TYPE,
    source: 'gateway',
    subject: `${client}:${operation}`,
    sequence: 0,
    data,
  });
}
