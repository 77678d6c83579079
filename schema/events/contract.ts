import type { z } from 'zod';
import type { TopicName } from './topics';

/**
 * The contract of one event type at one version: the topic it travels on, who writes it, what
 * its key (`subject`) is, and the zod schema of its `data`.
 */
export interface EventContract<
  TType extends string = string,
  TVersion extends number = number,
  TTopic extends TopicName = TopicName,
  TData extends z.ZodType = z.ZodType,
> {
  type: TType;
  version: TVersion;
  topic: TTopic;
  /** The subgraph (or `gateway`) that writes it; the envelope's `source`. */
  producer: string;
  /** What the envelope's `subject` (the partition key) holds, e.g. `orderId`. */
  key: string;
  data: TData;
  /** A remark for the catalogue in schema/README.md. */
  note?: string;
}

/** Declares one contract, keeping its literal type, version and topic for the type map. */
export function defineEvent<
  const TType extends string,
  const TVersion extends number,
  const TTopic extends TopicName,
  TData extends z.ZodType,
>(
  contract: EventContract<TType, TVersion, TTopic, TData>,
): EventContract<TType, TVersion, TTopic, TData> {
  return contract;
}

/**
 * Declares the same `data` schema for several types of one topic (e.g. every payment event);
 * the catalogue lists them in one row.
 */
export function defineEvents<
  const TTypes extends readonly string[],
  const TVersion extends number,
  const TTopic extends TopicName,
  TData extends z.ZodType,
>(
  types: TTypes,
  shared: Omit<EventContract<string, TVersion, TTopic, TData>, 'type'>,
): { [K in keyof TTypes]: EventContract<TTypes[K], TVersion, TTopic, TData> } {
  return types.map((type) => ({ ...shared, type })) as {
    [K in keyof TTypes]: EventContract<TTypes[K], TVersion, TTopic, TData>;
  };
}
