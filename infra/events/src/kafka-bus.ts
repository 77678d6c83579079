import kafkajs from 'kafkajs';
import type {
  Consumer,
  EachMessagePayload,
  LogEntry,
  Message,
  Producer,
  TopicMessages,
} from 'kafkajs';
import {
  backoffMs,
  errorMessage,
  reportDeadLetter,
  sleep,
  type DeadLetter,
  type EventBus,
  type EventLogger,
  type SubscribeOptions,
  type Subscription,
} from './bus';
import { readEvent } from './contracts';
import { parseEnvelope, TOPICS, type EventEnvelope } from './envelope';
import { publishTraced, traceHandler } from './tracing';
import { log } from '@shop/log';

const { Kafka, Partitioners, logLevel: LogLevel } = kafkajs;

/** Options of {@link createKafkaBus}. */
export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  /**
   * kafkajs idempotent producer (default true). librdkafka's mock cluster reports controller id
   * 0, which does not exist, so kafkajs cannot get a producer id from it: tests against the mock
   * pass `false` (ordering then still relies on `maxInFlightRequests: 1`).
   */
  idempotent?: boolean;
  /** Topics created up front with the admin client; default all of {@link TOPICS}. */
  topics?: string[];
  /**
   * Create topics with the admin client (up front, and before first use of a topic); default
   * true. "Already exists" is ignored; other failures are logged and the broker's auto-creation
   * is relied on.
   */
  createTopics?: boolean;
  /** Partitions of topics this bus creates; default 3. */
  numPartitions?: number;
  /** Replication factor of topics this bus creates; default -1 (the broker's default). */
  replicationFactor?: number;
  /** Consumer session timeout; default 10 s (re-joins quickly after a broker outage). */
  sessionTimeout?: number;
  /** `publish` gives up after this long (the relay then retries); default 5 s. */
  publishTimeoutMs?: number;
  /** `subscribe` rejects if the group is not joined within this; default 30 s. */
  joinTimeoutMs?: number;
  /** Cap of the retry backoff of a failing handler; default 1,500 ms. */
  maxBackoffMs?: number;
  /** kafkajs log threshold; default `warn`. Repeated identical lines are logged once per 10 s. */
  logLevel?: 'nothing' | 'error' | 'warn' | 'info';
  logger?: EventLogger;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The dead-letter topic of `topic` on the Kafka bus: `<topic>.dlq`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * The Kafka adapter (kafkajs). Producer: idempotent, `maxInFlightRequests: 1`, `acks: -1`, key =
 * `subject`, value = JSON envelope, headers `type`, `version`, `traceparent`. Consumers:
 * `sessionTimeout` 10 s, `heartbeatInterval` 1 s, offsets committed per message only after the
 * handler succeeded; a failing handler is retried in place (with heartbeats), so nothing is
 * skipped. Dead letters (messages that are no valid envelope or break their contract, events whose
 * handler failed `maxAttempts` times) are produced to {@link deadLetterTopic} (created with the
 * source topic) with the original key, value and headers plus `dlq-reason`, `dlq-group`,
 * `dlq-topic`, `dlq-partition`, `dlq-offset`, retried in place until the broker took them, and
 * only then logged, passed to `onDeadLetter` and committed past; so a crash redelivers a dead
 * letter instead of losing it. Short client retries make `publish` fail within seconds while
 * brokers are down.
 */
export async function createKafkaBus(options: KafkaBusOptions): Promise<EventBus> {
  const logger = options.logger ?? log;
  const threshold = {
    nothing: LogLevel.NOTHING,
    error: LogLevel.ERROR,
    warn: LogLevel.WARN,
    info: LogLevel.INFO,
  }[options.logLevel ?? 'warn'];
  const lastLogged = new Map<string, number>();
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 3, initialRetryTime: 100, maxRetryTime: 1_000 },
    logLevel: threshold,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        if (level > threshold || level === LogLevel.NOTHING) return;
        const line = `[events:kafka] ${namespace}: ${log.message}`;
        const now = Date.now();
        if ((lastLogged.get(line) ?? 0) > now - 10_000) return;
        lastLogged.set(line, now);
        if (level === LogLevel.ERROR) logger.error(line);
        else logger.warn(line);
      },
  });
  const sessionTimeout = options.sessionTimeout ?? 10_000;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const maxBackoffMs = options.maxBackoffMs ?? 1_500;
  const knownTopics = new Set<string>();
  const subscriptions = new Set<Subscription>();
  let producer: Producer | undefined;
  let producerReady: Promise<Producer> | undefined;
  let closed = false;

  /** Creates topics with the admin client; "already exists" is fine, other errors are logged. */
  async function ensureTopics(topics: string[]): Promise<void> {
    if (options.createTopics === false) return;
    const missing = [...new Set(topics)].filter((topic) => !knownTopics.has(topic));
    if (missing.length === 0) return;
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: options.numPartitions ?? 3,
          replicationFactor: options.replicationFactor ?? -1,
        })),
      });
    } catch (error) {
      if (!/already exists/i.test(errorMessage(error))) {
        logger.warn(
          `[events:kafka] could not create topics ${missing.join(', ')} (relying on the broker's auto-creation): ${errorMessage(error)}`,
        );
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    for (const topic of missing) knownTopics.add(topic);
  }

  function getProducer(): Promise<Producer> {
    if (!producerReady) {
      const created = kafka.producer({
        idempotent: options.idempotent ?? true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: true,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      producer = created;
      producerReady = created.connect().then(() => created);
      producerReady.catch(() => resetProducer());
    }
    return producerReady;
  }

  /** Drops the producer after a failure; the next publish connects a fresh one. */
  function resetProducer(): void {
    const old = producer;
    producer = undefined;
    producerReady = undefined;
    void old?.disconnect().catch(() => undefined);
  }

  async function publish(envelopes: EventEnvelope[]): Promise<void> {
    if (envelopes.length === 0) return;
    if (closed) throw new Error('event bus is closed');
    const byTopic = new Map<string, Message[]>();
    for (const envelope of envelopes) {
      const parsed = parseEnvelope(envelope);
      if (!parsed.ok) throw new Error(`refusing to publish an invalid envelope: ${parsed.reason}`);
      const headers: Record<string, string> = {
        type: envelope.type,
        version: String(envelope.version),
      };
      if (envelope.traceparent) headers.traceparent = envelope.traceparent;
      const messages = byTopic.get(envelope.topic) ?? [];
      messages.push({ key: envelope.subject, value: JSON.stringify(envelope), headers });
      byTopic.set(envelope.topic, messages);
    }
    await ensureTopics([...byTopic.keys()]);
    await send([...byTopic].map(([topic, messages]) => ({ topic, messages })));
  }

  /** Produces with `acks: -1` within `publishTimeoutMs`; drops the producer when it fails. */
  async function send(topicMessages: TopicMessages[]): Promise<void> {
    try {
      await withTimeout(
        (async () => {
          const ready = await getProducer();
          await ready.sendBatch({ acks: -1, topicMessages });
        })(),
        publishTimeoutMs,
        'kafka publish',
      );
    } catch (error) {
      resetProducer();
      throw error;
    }
  }

  async function subscribe(sub: SubscribeOptions): Promise<Subscription> {
    const { group, topics } = sub;
    const handler = traceHandler('kafka', group, sub.handler);
    const maxAttempts = sub.maxAttempts ?? Number.POSITIVE_INFINITY;
    await ensureTopics([...topics, ...topics.map(deadLetterTopic)]);
    let stopped = false;
    const consumer: Consumer = kafka.consumer({
      groupId: group,
      sessionTimeout,
      heartbeatInterval: 1_000,
      maxWaitTimeInMs: 100,
      retry: {
        retries: 5,
        initialRetryTime: 200,
        maxRetryTime: 2_000,
        restartOnFailure: async () => !stopped,
      },
    });
    let resolveJoined: () => void = () => undefined;
    const joined = new Promise<void>((resolve) => (resolveJoined = resolve));
    consumer.on(consumer.events.GROUP_JOIN, () => resolveJoined());
    consumer.on(consumer.events.CRASH, (event) => {
      if (!stopped) {
        logger.warn(
          `[events:kafka] consumer ${group} crashed, restarting: ${errorMessage(event.payload.error)}`,
        );
      }
    });

    /**
     * Produces `payload`'s message to its dead-letter topic, retrying in place (with heartbeats)
     * until the broker took it, then reports it; the caller commits past it only after that.
     */
    async function deadLetter(
      { topic, partition, message, heartbeat }: EachMessagePayload,
      letter: DeadLetter,
    ): Promise<void> {
      const dlqMessage: Message = {
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          'dlq-reason': letter.reason,
          'dlq-group': group,
          'dlq-topic': topic,
          'dlq-partition': String(partition),
          'dlq-offset': message.offset,
        },
      };
      for (let attempt = 1; ; attempt += 1) {
        try {
          await send([{ topic: deadLetterTopic(topic), messages: [dlqMessage] }]);
          break;
        } catch (error) {
          // Throwing leaves the offset uncommitted: the next member dead-letters it again.
          if (stopped) throw error;
          if (attempt === 1 || attempt % 20 === 0) {
            logger.warn(
              `[events:kafka] group=${group} ${topic}@${letter.position} producing the dead letter failed (${attempt}x), retrying: ${errorMessage(error)}`,
            );
          }
          await sleep(backoffMs(attempt, maxBackoffMs));
          await heartbeat().catch(() => undefined);
        }
      }
      await reportDeadLetter(letter, sub, logger);
    }

    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: sub.fromBeginning ?? false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        const { topic, partition, message, heartbeat } = payload;
        const position = `${partition}:${message.offset}`;
        const key = message.key ? message.key.toString() : null;
        const parsed = message.value
          ? readEvent(message.value)
          : ({ ok: false, reason: 'malformed envelope: empty message' } as const);
        if (!parsed.ok) {
          const raw = message.value ? message.value.toString() : '';
          await deadLetter(payload, { group, topic, key, position, raw, reason: parsed.reason });
        } else {
          for (let attempt = 1; ; attempt += 1) {
            try {
              await handler(parsed.envelope);
              break;
            } catch (error) {
              // Throwing leaves the offset uncommitted: the next member gets the event again.
              if (stopped) throw error;
              if (attempt >= maxAttempts) {
                const reason = `handler failed ${attempt}x: ${errorMessage(error)}`;
                const raw = JSON.stringify(parsed.envelope);
                await deadLetter(payload, { group, topic, key, position, raw, reason });
                break;
              }
              if (attempt === 1 || attempt % 20 === 0) {
                logger.warn(
                  `[events:kafka] group=${group} ${topic}@${position} handler failed (${attempt}x), retrying: ${errorMessage(error)}`,
                );
              }
              await sleep(backoffMs(attempt, maxBackoffMs));
              await heartbeat().catch(() => undefined);
            }
          }
        }
        const next = (BigInt(message.offset) + 1n).toString();
        await consumer.commitOffsets([{ topic, partition, offset: next }]).catch((error) => {
          // Not fatal: a later commit covers it, or the event is redelivered (at-least-once).
          logger.warn(`[events:kafka] group=${group} commit failed: ${errorMessage(error)}`);
        });
      },
    });
    try {
      await withTimeout(joined, options.joinTimeoutMs ?? 30_000, `joining group ${group}`);
    } catch (error) {
      stopped = true;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
    const subscription: Subscription = {
      async stop() {
        if (stopped) return;
        stopped = true;
        subscriptions.delete(subscription);
        await consumer.disconnect().catch((error) => {
          logger.warn(`[events:kafka] consumer ${group} disconnect: ${errorMessage(error)}`);
        });
      },
    };
    subscriptions.add(subscription);
    return subscription;
  }

  await ensureTopics(options.topics ?? Object.values(TOPICS));
  return {
    // One PRODUCER span per traced envelope; the `traceparent` header carries its context.
    publish: (envelopes) => publishTraced('kafka', envelopes, publish),
    subscribe,
    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.stop()));
      const old = producer;
      producer = undefined;
      producerReady = undefined;
      await old?.disconnect().catch(() => undefined);
    },
  };
}
