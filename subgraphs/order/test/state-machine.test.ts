import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findRule,
  nextStates,
  ORDER_STATUSES,
  TERMINAL_STATUSES,
  transition,
  TRANSITIONS,
  type Actor,
  type OrderStatus,
} from '../src/state-machine';

const OWNER = 'owner-1';
const ACTORS: Actor[] = [
  { kind: 'CUSTOMER', userId: OWNER },
  { kind: 'CUSTOMER', userId: 'someone-else' },
  { kind: 'ADMIN', userId: 'admin-1' },
  { kind: 'SYSTEM' },
];

describe('order state machine', () => {
  it('should declare exactly the documented transitions', () => {
    expect(TRANSITIONS.map((rule) => `${rule.from}→${rule.to}:${rule.actors.join('|')}`)).toEqual([
      'PENDING_PAYMENT→PAYMENT_AUTHORIZED:SYSTEM',
      'PENDING_PAYMENT→PAID:SYSTEM',
      'PENDING_PAYMENT→CANCELLED:CUSTOMER|ADMIN|SYSTEM',
      'PENDING_PAYMENT→EXPIRED:SYSTEM',
      'PAYMENT_AUTHORIZED→PAID:SYSTEM',
      'PAYMENT_AUTHORIZED→SHIPPED:ADMIN',
      'PAYMENT_AUTHORIZED→CANCELLED:CUSTOMER|ADMIN',
      'PAID→SHIPPED:ADMIN',
      'PAID→CANCELLED:ADMIN',
      'SHIPPED→DELIVERED:ADMIN',
      'DELIVERED→COMPLETED:ADMIN',
    ]);
    expect([...TERMINAL_STATUSES].sort()).toEqual(['CANCELLED', 'COMPLETED', 'EXPIRED']);
  });

  it('should emit status_changed plus the specific event of each target', () => {
    const order = { status: 'PENDING_PAYMENT' as OrderStatus, version: 4, userId: OWNER };
    expect(transition(order, 'PAYMENT_AUTHORIZED', { kind: 'SYSTEM' })).toEqual({
      ok: true,
      noop: false,
      from: 'PENDING_PAYMENT',
      to: 'PAYMENT_AUTHORIZED',
      version: 5,
      events: ['order.status_changed', 'order.placed'],
    });
    expect(transition(order, 'PAID', { kind: 'SYSTEM' })).toMatchObject({
      events: ['order.status_changed', 'order.placed', 'order.paid'],
    });
    expect(transition(order, 'EXPIRED', { kind: 'SYSTEM' })).toMatchObject({
      events: ['order.status_changed', 'order.expired'],
    });
    expect(
      transition({ ...order, status: 'PAID' }, 'SHIPPED', { kind: 'ADMIN', userId: 'a' }),
    ).toMatchObject({ events: ['order.status_changed', 'order.shipped'] });
  });

  it('should treat a same-state transition as a no-op for anyone', () => {
    for (const status of ORDER_STATUSES) {
      for (const actor of ACTORS) {
        expect(transition({ status, version: 2, userId: OWNER }, status, actor)).toEqual({
          ok: true,
          noop: true,
          from: status,
          to: status,
          version: 2,
          events: [],
        });
      }
    }
  });

  it('should refuse customers who do not own the order and undeclared pairs', () => {
    const order = { status: 'PENDING_PAYMENT' as OrderStatus, version: 1, userId: OWNER };
    expect(transition(order, 'CANCELLED', ACTORS[1]!)).toMatchObject({
      ok: false,
      code: 'NOT_ALLOWED',
    });
    expect(transition(order, 'CANCELLED', { kind: 'CUSTOMER' })).toMatchObject({ ok: false });
    expect(transition(order, 'SHIPPED', ACTORS[2]!)).toMatchObject({
      ok: false,
      code: 'INVALID_TRANSITION',
    });
    expect(transition({ ...order, status: 'PAID' }, 'CANCELLED', ACTORS[0]!)).toMatchObject({
      ok: false,
      code: 'NOT_ALLOWED',
    });
  });

  it('should keep its invariants over random command sequences (property)', () => {
    // Half the commands follow a rule the table declares from the current status, by one of its
    // actor kinds (so walks get deep); the others pick any status and any actor.
    const command = fc.record({
      actor: fc.constantFrom(...ACTORS),
      to: fc.constantFrom(...ORDER_STATUSES),
      follow: fc.boolean(),
      pick: fc.nat(),
    });
    const reached = new Set<OrderStatus>();
    fc.assert(
      fc.property(fc.array(command, { maxLength: 60 }), (commands) => {
        let order = { status: 'PENDING_PAYMENT' as OrderStatus, version: 1, userId: OWNER };
        const visited: OrderStatus[] = [order.status];
        let applied = 0;
        for (const { follow, pick, ...random } of commands) {
          const from = order.status;
          const declared = TRANSITIONS.filter((rule) => rule.from === from);
          const rule = follow && declared.length > 0 ? declared[pick % declared.length] : undefined;
          const to = rule ? rule.to : random.to;
          const candidates = rule ? ACTORS.filter((a) => rule.actors.includes(a.kind)) : [];
          const actor =
            candidates.length > 0 ? candidates[pick % candidates.length]! : random.actor;
          const offered = nextStates(order, actor);
          const result = transition(order, to, actor);
          const declaredRule = findRule(from, to);
          if (TERMINAL_STATUSES.includes(from)) {
            // Terminal stays terminal: nothing but a no-op succeeds.
            expect(result.ok && !result.noop).toBe(false);
            expect(offered).toEqual([]);
          }
          if (!result.ok) {
            expect(offered).not.toContain(to);
            continue;
          }
          if (result.noop) {
            expect(to).toBe(from);
            expect(result.events).toEqual([]);
            continue;
          }
          // Only declared transitions apply, by a declared actor (customers: the owner only).
          expect(declaredRule).toBeDefined();
          expect(declaredRule!.actors).toContain(actor.kind);
          if (actor.kind === 'CUSTOMER') expect(actor.userId).toBe(OWNER);
          // nextStates offers exactly what transition accepts.
          expect(offered).toContain(to);
          expect(result.version).toBe(order.version + 1);
          expect(result.events).toEqual(['order.status_changed', ...declaredRule!.emits]);
          order = { ...order, status: to, version: result.version };
          visited.push(to);
          reached.add(to);
          applied += 1;
          if (to === 'SHIPPED') {
            expect(visited.some((s) => s === 'PAYMENT_AUTHORIZED' || s === 'PAID')).toBe(true);
          }
        }
        // History (one entry per applied transition) and version agree.
        expect(visited.length - 1).toBe(applied);
        expect(order.version).toBe(1 + applied);
        for (const actor of ACTORS) {
          for (const to of nextStates(order, actor)) {
            expect(transition(order, to, actor)).toMatchObject({ ok: true, noop: false });
          }
          for (const to of ORDER_STATUSES.filter((s) => !nextStates(order, actor).includes(s))) {
            const result = transition(order, to, actor);
            expect(result.ok && !result.noop).toBe(false);
          }
        }
      }),
      { numRuns: 1000 },
    );
    // The random walks covered every status.
    expect([...reached].sort()).toEqual(
      ORDER_STATUSES.filter((s) => s !== 'PENDING_PAYMENT').sort(),
    );
  });
});
