import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCard, luhnValid, TEST_CARDS } from '../src/cards';
import {
  capturable,
  ledgerViolations,
  PAYMENT_STATUSES,
  planAuthorization,
  planConfirmation,
  planOperation,
  refundable,
  summarize,
  type LedgerEntry,
  type LedgerSummary,
} from '../src/ledger';

type Command =
  | { kind: 'authorize'; outcome: 'success' | 'failure' | 'action' }
  | { kind: 'confirm'; success: boolean }
  | { kind: 'capture'; amount: number | null; succeeds: boolean }
  | { kind: 'void'; succeeds: boolean }
  | { kind: 'refund'; amount: number | null; succeeds: boolean };

const amount = fc.option(fc.integer({ min: -5, max: 12_000 }), { nil: null });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('authorize' as const),
    outcome: fc.constantFrom('success' as const, 'failure' as const, 'action' as const),
  }),
  fc.record({ kind: fc.constant('confirm' as const), success: fc.boolean() }),
  fc.record({ kind: fc.constant('capture' as const), amount, succeeds: fc.boolean() }),
  fc.record({ kind: fc.constant('void' as const), succeeds: fc.boolean() }),
  fc.record({ kind: fc.constant('refund' as const), amount, succeeds: fc.boolean() }),
);

/** Applies one command through the pure planning logic, as the service does. */
function apply(ledger: LedgerEntry[], cmd: Command, total: number): LedgerEntry[] {
  const summary = summarize(ledger);
  switch (cmd.kind) {
    case 'authorize': {
      const plan = planAuthorization(summary, total);
      if (!plan.ok) return ledger;
      const state =
        cmd.outcome === 'success' ? 'SUCCESS' : cmd.outcome === 'failure' ? 'FAILURE' : 'REQUEST';
      return [...ledger, { type: 'AUTHORIZATION', state, amount: total, failureCode: null }];
    }
    case 'confirm': {
      const plan = planConfirmation(summary, total);
      if (!plan.ok) return ledger;
      return [
        ...ledger,
        { type: 'AUTHORIZATION', state: cmd.success ? 'SUCCESS' : 'FAILURE', amount: total },
      ];
    }
    default: {
      const plan = planOperation(
        summary,
        cmd.kind === 'void' ? { kind: 'void' } : { kind: cmd.kind, amount: cmd.amount },
      );
      if (!plan.ok) return ledger;
      return [
        ...ledger,
        { type: plan.type, state: cmd.succeeds ? 'SUCCESS' : 'FAILURE', amount: plan.amount },
      ];
    }
  }
}

function expectStatusConsistent(s: LedgerSummary): void {
  switch (s.status) {
    case 'CREATED':
    case 'ACTION_REQUIRED':
    case 'DECLINED':
      expect(s.authorized + s.captured + s.refunded).toBe(0);
      break;
    case 'AUTHORIZED':
      expect(s.authorized).toBeGreaterThan(0);
      expect(s.captured).toBe(0);
      break;
    case 'PARTIALLY_CAPTURED':
      expect(s.captured).toBeGreaterThan(0);
      expect(s.captured).toBeLessThan(s.authorized);
      expect(s.refunded).toBe(0);
      break;
    case 'CAPTURED':
      expect(s.captured).toBe(s.authorized);
      expect(s.refunded).toBe(0);
      break;
    case 'VOIDED':
      expect(s.voided).toBe(true);
      expect(s.captured).toBe(0);
      break;
    case 'PARTIALLY_REFUNDED':
      expect(s.refunded).toBeGreaterThan(0);
      expect(s.refunded).toBeLessThan(s.captured);
      break;
    case 'REFUNDED':
      expect(s.refunded).toBe(s.captured);
      expect(s.refunded).toBeGreaterThan(0);
      break;
  }
}

describe('payment ledger state logic', () => {
  it('should keep every invariant under random command sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.array(command, { maxLength: 40 }),
        (total, commands) => {
          let ledger: LedgerEntry[] = [];
          let voidedAt: number | undefined;
          for (const cmd of commands) {
            const before = ledger;
            ledger = apply(ledger, cmd, total);
            // only grows, and never rewrites history
            expect(ledger.length).toBeGreaterThanOrEqual(before.length);
            expect(ledger.length - before.length).toBeLessThanOrEqual(1);
            expect(ledger.slice(0, before.length)).toEqual(before);

            const s = summarize(ledger);
            expect(ledgerViolations(ledger)).toEqual([]);
            expect(s.captured).toBeLessThanOrEqual(s.authorized);
            expect(s.refunded).toBeLessThanOrEqual(s.captured);
            expect(s.authorized === 0 || s.authorized === total).toBe(true);
            expect(PAYMENT_STATUSES).toContain(s.status);
            expectStatusConsistent(s);
            expect(capturable(s)).toBeGreaterThanOrEqual(0);
            expect(refundable(s)).toBeGreaterThanOrEqual(0);
            if (s.voided && voidedAt === undefined) voidedAt = ledger.length;
            if (voidedAt !== undefined) {
              // nothing moves after a void
              expect(ledger.slice(voidedAt).every((e) => e.state !== 'SUCCESS')).toBe(true);
              expect(s.status).toBe('VOIDED');
            }
          }
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('should derive statuses and amounts from the ledger', () => {
    expect(summarize([]).status).toBe('CREATED');
    const auth: LedgerEntry = { type: 'AUTHORIZATION', state: 'SUCCESS', amount: 100 };
    expect(summarize([{ ...auth, state: 'REQUEST' }]).status).toBe('ACTION_REQUIRED');
    expect(
      summarize([{ ...auth, state: 'FAILURE', failureCode: 'insufficient_funds' }]),
    ).toMatchObject({ status: 'DECLINED', declineCode: 'insufficient_funds', authorized: 0 });
    const captured = [auth, { type: 'CAPTURE', state: 'SUCCESS', amount: 40 } as LedgerEntry];
    expect(summarize(captured)).toMatchObject({ status: 'PARTIALLY_CAPTURED', captured: 40 });
    expect(planOperation(summarize(captured), { kind: 'capture' })).toEqual({
      ok: true,
      type: 'CAPTURE',
      amount: 60,
    });
    expect(planOperation(summarize(captured), { kind: 'capture', amount: 61 })).toMatchObject({
      ok: false,
      code: 'INVALID_AMOUNT',
    });
    expect(planOperation(summarize(captured), { kind: 'void' })).toMatchObject({
      ok: false,
      code: 'INVALID_STATE',
    });
    expect(planOperation(summarize(captured), { kind: 'refund' })).toEqual({
      ok: true,
      type: 'REFUND',
      amount: 40,
    });
    const failedCapture = [auth, { type: 'CAPTURE', state: 'FAILURE', amount: 100 } as LedgerEntry];
    expect(summarize(failedCapture)).toMatchObject({ status: 'AUTHORIZED', captured: 0 });
  });

  it('should validate cards with Luhn, expiry and CVC and keep only brand and last4', () => {
    for (const number of Object.values(TEST_CARDS)) expect(luhnValid(number)).toBe(true);
    expect(luhnValid('4242424242424241')).toBe(false);
    const now = new Date('2026-05-15T00:00:00Z');
    const ok = checkCard(
      { number: '4242 4242 4242 4242', expMonth: 5, expYear: 26, cvc: '123' },
      now,
    );
    expect(ok).toMatchObject({ ok: true, brand: 'VISA', last4: '4242' });
    expect(
      checkCard({ number: TEST_CARDS.success, expMonth: 4, expYear: 2026, cvc: '123' }, now),
    ).toMatchObject({ ok: false, field: 'expYear' });
    expect(
      checkCard({ number: TEST_CARDS.success, expMonth: 13, expYear: 2030, cvc: '123' }, now),
    ).toMatchObject({ ok: false, field: 'expMonth' });
    expect(
      checkCard({ number: '5555555555554444', expMonth: 1, expYear: 2030, cvc: '1234' }, now),
    ).toMatchObject({ ok: true, brand: 'MASTERCARD', last4: '4444' });
  });
});
