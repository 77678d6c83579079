/**
 * `@shop/events`: the event port of ShopGraph. Producers write events to a transactional outbox
 * in the same transaction as their state change ({@link appendToOutbox}); a relay
 * ({@link startRelay}) publishes them to an {@link EventBus} (Kafka, or a log table in
 * Postgres/PGlite); consumers get at-least-once, per-key ordered delivery and wrap their effects
 * in {@link idempotentHandler} for exactly-once effects.
 *
 * @packageDocumentation
 */
export {
  /** Topic names of the event catalogue. */
  TOPICS,
  /** zod schema consumers validate envelopes with. */
  EventEnvelopeSchema,
  /** Validates an object or JSON text as an envelope, without throwing. */
  parseEnvelope,
  /** Fills id/time/version of a new event and validates it. */
  createEnvelope,
  /** A typed new event, for producer helpers generic in the event type. */
  newEvent,
  /** Makes a UUIDv7. */
  uuidv7,
} from './envelope';
export type {
  /** A domain event as carried by the bus. */
  EventEnvelope,
  /** A domain event as a producer writes it, typed by its contract. */
  NewEvent,
  /** A domain event as a consumer reads it, typed by its contract. */
  DomainEvent,
  /** An envelope before `createEnvelope` fills id, time and version. */
  NewEnvelope,
  /** Who caused an event. */
  EventActor,
  /** One of the {@link TOPICS}. */
  TopicName,
  /** Result of {@link parseEnvelope}. */
  ParsedEnvelope,
} from './envelope';
export type {
  /** Every event type with a contract. */
  EventType,
  /** The contract `data` of an event type, for producer helpers generic in the type. */
  EventData,
} from '@shop/schema/events';
export type {
  /** The bus port implemented by both adapters. */
  EventBus,
  /** A bus handler; throwing means redeliver. */
  EventHandler,
  /** Options of `EventBus.subscribe`. */
  SubscribeOptions,
  /** A running subscription. */
  Subscription,
  /** A message a consumer skipped (malformed or out of attempts). */
  DeadLetter,
  /** Logger used for warnings. */
  EventLogger,
} from './bus';
export {
  /** Between an ephemeral group's name and its unique suffix (`SubscribeOptions.ephemeral`). */
  EPHEMERAL_GROUP_MARK,
} from './bus';
export {
  /** Validates what a consumer read: envelope, and contract on a catalogue topic. */
  readEvent,
  /** The envelope of a new domain event, checked against its contract. */
  createEvent,
} from './contracts';
export type {
  /** Result of {@link readEvent}. */
  ReadEvent,
} from './contracts';
export {
  /** SQL of the outbox and processed_events tables for a subgraph's migrations. */
  eventsMigrationSql,
  /** The same SQL as a `Migration`. */
  eventsMigration,
  /** Appends events to the outbox inside the caller's transaction. */
  appendToOutbox,
} from './outbox';
export type {
  /** A drizzle db or transaction. */
  SqlExecutor,
} from './outbox';
export {
  /** Starts the outbox relay of one schema. */
  startRelay,
} from './relay';
export type {
  /** Options of {@link startRelay}. */
  RelayOptions,
  /** A running relay. */
  Relay,
} from './relay';
export {
  /** Wraps an effect into an exactly-once-effect bus handler. */
  idempotentHandler,
} from './consumer';
export type {
  /** Options of {@link idempotentHandler}. */
  IdempotentHandlerOptions,
  /** drizzle transaction handle passed to effects. */
  DbTransaction,
} from './consumer';
export {
  /** The log bus in Postgres/PGlite. */
  createLogBus,
} from './log-bus';
export type {
  /** Options of {@link createLogBus}. */
  LogBusOptions,
} from './log-bus';
export {
  /** The Kafka adapter. */
  createKafkaBus,
  /** The Kafka bus's dead-letter topic of a topic: `<topic>.dlq`. */
  deadLetterTopic,
  /** Creating the Kafka bus failed: the brokers cannot serve the idempotent producer or CreateTopics. */
  KafkaCapabilityError,
} from './kafka-bus';
export type {
  /** Options of {@link createKafkaBus}. */
  KafkaBusOptions,
  /** The codes of {@link KafkaCapabilityError}. */
  KafkaCapabilityCode,
} from './kafka-bus';
export {
  /** Picks Kafka or the log bus. */
  createEventBus,
} from './factory';
export type {
  /** Options of {@link createEventBus}. */
  EventBusOptions,
} from './factory';
