import type { Database } from '@shop/db';
import type { EventBus, EventLogger } from './bus';
import { createKafkaBus } from './kafka-bus';
import { createLogBus } from './log-bus';

/** Options of {@link createEventBus}. */
export interface EventBusOptions {
  /** Backs the log bus (used when no Kafka brokers are given). */
  database: Database;
  /** Kafka bootstrap brokers; when empty or absent the embedded log bus is used. */
  kafkaBrokers?: string[] | undefined;
  clientId: string;
  logger?: EventLogger;
}

/** Kafka when `kafkaBrokers` is non-empty, else the log bus in `database`. */
export function createEventBus(options: EventBusOptions): Promise<EventBus> {
  const { database, kafkaBrokers, clientId, logger } = options;
  if (kafkaBrokers && kafkaBrokers.length > 0) {
    return createKafkaBus({ brokers: kafkaBrokers, clientId, ...(logger ? { logger } : {}) });
  }
  return createLogBus({ database, ...(logger ? { logger } : {}) });
}
