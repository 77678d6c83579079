import { randomUUID } from 'node:crypto';
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
  EPHEMERAL_GROUP_MARK,
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
   * kafkajs idempotent producer (default true): the producer id (InitProducerId, served by the
   * cluster's controller) is taken when the bus is created; when the brokers cannot serve it the
   * bus fails with a {@link KafkaCapabilityError}. `false` produces without it (ordering then
   * relies on `maxInFlightRequests: 1` alone).
   */
  idempotent?: boolean;
  /** Topics created up front with the admin client; default all of {@link TOPICS}. */
  topics?: string[];
  /**
   * Create topics with the admin client (up front, and before first use of a topic); default
   * true. "Already exists" is ignored. When the brokers cannot create topics at all (no
   * controller, CreateTopics unsupported or not authorized) creating the bus fails with a
   * {@link KafkaCapabilityError}; other failures (e.g. brokers unreachable) are logged and the
   * broker's auto-creation is relied on.
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

/** What {@link KafkaCapabilityError} says the brokers cannot do. */
export type KafkaCapabilityCode =
  'KAFKA_IDEMPOTENT_PRODUCER_UNAVAILABLE' | 'KAFKA_CREATE_TOPICS_UNAVAILABLE';

/**
 * {@link createKafkaBus} fails with this, once, when the brokers cannot serve a feature the bus
 * is configured to use: the idempotent producer or topic creation by the admin client. Retrying
 * would not help (the cluster has no usable controller, lacks the API, or refuses it), so the
 * service does not start instead of retrying and logging forever.
 */
export class KafkaCapabilityError extends Error {
  override readonly name = 'KafkaCapabilityError';
  constructor(
    readonly code: KafkaCapabilityCode,
    message: string,
  ) {
    super(message);
  }
}

/** kafkajs protocol errors that say the cluster cannot serve a request, whatever the retries. */
const INCAPABLE_PROTOCOL_ERRORS = new Set([
  'CLUSTER_AUTHORIZATION_FAILED',
  'TOPIC_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'INVALID_REQUEST',
  'NOT_CONTROLLER',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
]);

/**
 * Why `error` (from kafkajs, possibly wrapped by its retrier) means the cluster cannot serve the
 * request at all; `undefined` for anything else (unreachable brokers, timeouts: transient).
 */
function incapability(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const { name, message } = current;
    const type = (current as { type?: unknown }).type;
    if (name === 'KafkaJSBrokerNotFound' || name === 'KafkaJSMetadataNotLoaded') {
      return `the cluster's metadata names no reachable controller (${message})`;
    }
    if (name === 'KafkaJSServerDoesNotSupportApiKey') {
      return `the brokers do not support the request (${message})`;
    }
    if (typeof type === 'string' && INCAPABLE_PROTOCOL_ERRORS.has(type)) {
      return `the brokers answered ${type} (${message})`;
    }
    const nested = (current as { errors?: unknown }).errors; // KafkaJSAggregateError
    current = Array.isArray(nested) && nested.length > 0 ? nested[0] : current.cause;
  }
  return undefined;
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
        // kafkajs warns whenever an idempotent producer's retries are capped. They are on
        // purpose: `publish` fails within `publishTimeoutMs` and the relay retries the batch
        // (at-least-once; consumers are idempotent), instead of a producer retrying forever.
        if (/Limiting retries for the idempotent producer/.test(log.message)) return;
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
  /** While true, a broker that cannot serve a configured feature fails the bus's creation. */
  let startingUp = true;

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
      const cause = startingUp ? incapability(error) : undefined;
      if (cause) {
        await admin.disconnect().catch(() => undefined);
        throw new KafkaCapabilityError(
          'KAFKA_CREATE_TOPICS_UNAVAILABLE',
          `Kafka at ${options.brokers.join(',')} cannot create topics: ${cause}. Give KAFKA_BROKERS a cluster with a working controller that allows CreateTopics, or create the topics beforehand and turn topic creation off (event bus option createTopics: false).`,
        );
      }
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
    const { topics } = sub;
    // An ephemeral group is this subscription's own (a per-process broadcast): a unique name,
    // from the end of each partition; the broker expires its offsets once it is empty.
    const group = sub.ephemeral ? `${sub.group}${EPHEMERAL_GROUP_MARK}${randomUUID()}` : sub.group;
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
    await consumer.subscribe({
      topics,
      fromBeginning: sub.ephemeral ? false : (sub.fromBeginning ?? false),
    });
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
  if (options.idempotent ?? true) {
    // The producer id is taken now, so a cluster that cannot give one fails the start-up once
    // instead of every publish failing (and the relays retrying) forever.
    try {
      await getProducer();
    } catch (error) {
      const cause = incapability(error);
      if (cause) {
        throw new KafkaCapabilityError(
          'KAFKA_IDEMPOTENT_PRODUCER_UNAVAILABLE',
          `Kafka at ${options.brokers.join(',')} cannot serve the idempotent producer (InitProducerId): ${cause}. Give KAFKA_BROKERS a cluster with a working controller, or produce without idempotence (event bus option idempotent: false).`,
        );
      }
      logger.warn(
        `[events:kafka] producer not connected yet (publishing retries): ${errorMessage(error)}`,
      );
    }
  }
  startingUp = false;
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
