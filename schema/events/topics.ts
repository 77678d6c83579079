/**
 * The topics of the event catalogue (docs/DOMAIN.md §7). Kafka topics carry these names and the
 * log bus uses them too; the `.v1` suffix is the topic's version (a breaking change to a topic
 * means a new topic).
 */
export const TOPICS = {
  user: 'user.events.v1',
  catalog: 'catalog.events.v1',
  inventory: 'inventory.events.v1',
  cart: 'cart.events.v1',
  order: 'order.events.v1',
  payment: 'payment.events.v1',
  notification: 'notification.events.v1',
  apiUsage: 'analytics.api-usage.v1',
} as const;

/** One of the catalogue topic names. */
export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

const CATALOGUE_TOPICS: ReadonlySet<string> = new Set(Object.values(TOPICS));

/** True when `topic` is a catalogue topic, which carries only events with a contract. */
export function isCatalogueTopic(topic: string): topic is TopicName {
  return CATALOGUE_TOPICS.has(topic);
}
