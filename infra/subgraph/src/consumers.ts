import type { Database } from '@shop/db';
import { idempotentHandler, type EventBus, type Subscription } from '@shop/events';
import type { ConsumerDefinition } from './definition';

/**
 * Subscribes each consumer from the beginning of its topics; every event is applied once per
 * group (`idempotentHandler` in `schema`), and a callback it returns runs after the commit.
 */
export async function startConsumers(options: {
  database: Database;
  schema: string;
  bus: EventBus;
  consumers: readonly ConsumerDefinition[];
}): Promise<Subscription[]> {
  const { database, schema, bus } = options;
  const subscriptions: Subscription[] = [];
  try {
    for (const consumer of options.consumers) {
      subscriptions.push(
        await bus.subscribe({
          group: consumer.group,
          topics: [...consumer.topics],
          fromBeginning: true,
          handler: async (envelope) => {
            const committed: Array<() => void> = [];
            await idempotentHandler(
              { database, schema, consumer: consumer.group },
              async (event, tx) => {
                const afterCommit = await consumer.handle(event, tx);
                if (afterCommit) committed.push(afterCommit);
              },
            )(envelope);
            // Committed: now (and only now) its effects may be announced.
            for (const announce of committed) announce();
          },
        }),
      );
    }
  } catch (error) {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    throw error;
  }
  return subscriptions;
}
