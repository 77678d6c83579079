import { checkEvent, isCatalogueTopic } from '@shop/schema/events';
import {
  createEnvelope,
  parseEnvelope,
  type DomainEvent,
  type EventEnvelope,
  type NewEvent,
} from './envelope';

/** Result of {@link readEvent}. */
export type ReadEvent = { ok: true; envelope: EventEnvelope } | { ok: false; reason: string };

/**
 * What a consumer accepts from a bus: a well-formed envelope that, on a catalogue topic, matches
 * its event contract (`@shop/schema/events`). Anything else is a dead letter with this reason.
 * Other topics (tests, tools) carry any well-formed envelope.
 */
export function readEvent(value: unknown): ReadEvent {
  const parsed = parseEnvelope(value);
  if (!parsed.ok) return { ok: false, reason: `malformed envelope: ${parsed.reason}` };
  const { envelope } = parsed;
  if (isCatalogueTopic(envelope.topic)) {
    const checked = checkEvent(envelope);
    if (!checked.ok) return { ok: false, reason: `contract violation: ${checked.reason}` };
  }
  return parsed;
}

/**
 * `envelope` as the {@link DomainEvent} its contract says it is. Only for envelopes a bus
 * delivered: both buses check every envelope with {@link readEvent} and dead-letter what fails
 * before any handler sees it, so the contract is not checked a second time here.
 */
export function toDomainEvent(envelope: EventEnvelope): DomainEvent {
  return envelope as DomainEvent;
}

/**
 * The envelope of a new domain event: {@link createEnvelope} (id, time, version filled in),
 * then checked against its contract; throws when it does not match. Producers write events only
 * through this (`appendToOutbox` uses it), so a bus never carries a payload its contract rejects.
 */
export function createEvent<TEvent extends NewEvent>(event: TEvent): EventEnvelope<TEvent['data']> {
  const envelope = createEnvelope<TEvent['data']>(event);
  const checked = checkEvent(envelope);
  if (!checked.ok) throw new Error(`invalid event ${envelope.type}: ${checked.reason}`);
  return envelope;
}
