/**
 * `@shop/schema/events`: the typed contracts of every domain event — one zod schema of `data`
 * per event type and version, with its topic, producer and key. Producers write only what a
 * contract allows (`appendToOutbox` in `@shop/events` is typed and validated by them) and
 * consumers read events as the {@link EventBody} union; the catalogue in schema/README.md is
 * generated from them (`pnpm --filter @shop/schema events:catalogue`).
 *
 * @packageDocumentation
 */
import type { z } from 'zod';
import { API_USAGE_EVENTS } from './api-usage';
import { CART_EVENTS } from './cart';
import { CATALOG_EVENTS } from './catalog';
import type { EventContract } from './contract';
import { INVENTORY_EVENTS } from './inventory';
import { ORDER_EVENTS } from './order';
import { PAYMENT_EVENTS } from './payment';
import { USER_EVENTS } from './user';

export { TOPICS, isCatalogueTopic, type TopicName } from './topics';
export type { EventContract } from './contract';
export { renderEventCatalogue } from './catalogue';

/** Every event contract, grouped by topic in catalogue order. */
export const EVENT_CONTRACTS = [
  ...ORDER_EVENTS,
  ...PAYMENT_EVENTS,
  ...CART_EVENTS,
  ...INVENTORY_EVENTS,
  ...CATALOG_EVENTS,
  ...API_USAGE_EVENTS,
  ...USER_EVENTS,
] as const;

type AnyContract = (typeof EVENT_CONTRACTS)[number];

/** The typed part of one event: its type, version, topic and `data`, per contract. */
export type EventBody = AnyContract extends infer C
  ? C extends EventContract<infer TType, infer TVersion, infer TTopic, infer TData>
    ? { type: TType; version: TVersion; topic: TTopic; data: z.infer<TData> }
    : never
  : never;

/** Every event type with a contract. */
export type EventType = EventBody['type'];

/** The `data` of an event type (the union over its versions). */
export type EventData<TType extends EventType> = Extract<EventBody, { type: TType }>['data'];

/** `data` per event type, for helpers generic in the type. */
export type EventDataMap = { [TType in EventType]: EventData<TType> };

/** The topic an event type travels on. */
export type TopicOf<TType extends EventType> = Extract<EventBody, { type: TType }>['topic'];

const contracts = new Map<string, EventContract>(
  EVENT_CONTRACTS.map((contract) => [`${contract.type}@${contract.version}`, contract]),
);

/** The contract of `type` at `version`, if there is one. */
export function contractOf(type: string, version: number): EventContract | undefined {
  return contracts.get(`${type}@${version}`);
}

/** Result of {@link checkEvent}. */
export type CheckedEvent = { ok: true; event: EventBody } | { ok: false; reason: string };

/**
 * Checks an event against its contract: a contract for its type and version must exist, on its
 * topic, and its `data` must match. Does not change the event (unknown `data` keys are allowed,
 * so a producer may add a field before its consumers read it).
 */
export function checkEvent(event: {
  type: string;
  version: number;
  topic: string;
  data: unknown;
}): CheckedEvent {
  const contract = contractOf(event.type, event.version);
  if (!contract) return { ok: false, reason: `no contract for ${event.type} v${event.version}` };
  if (contract.topic !== event.topic) {
    return {
      ok: false,
      reason: `${event.type} v${event.version} belongs on ${contract.topic}, not ${event.topic}`,
    };
  }
  const result = contract.data.safeParse(event.data);
  if (result.success) return { ok: true, event: event as EventBody };
  const issues = result.error.issues
    .slice(0, 5)
    .map((issue) => `data.${issue.path.join('.')}: ${issue.message}`.replace(/\.:/, ':'))
    .join('; ');
  return { ok: false, reason: `${event.type} v${event.version}: ${issues}` };
}
