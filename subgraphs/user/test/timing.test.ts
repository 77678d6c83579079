import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { LOGIN, startHarness, uniqueEmail, type Harness } from './harness';

const REQUEST_RESET = `mutation ($input: RequestPasswordResetInput!) {
  requestPasswordReset(input: $input) { accepted userErrors { code } } }`;

const SAMPLES = 50;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** |a − b| relative to the larger of the two. */
const relativeGap = (a: number, b: number) => Math.abs(a - b) / Math.max(a, b);

// Postgres when DATABASE_URL is set (CI), else PGlite: one target is enough for a timing test.
const target = testDatabaseTargets().at(-1)!;

describe(`response times do not reveal accounts (${target.name})`, () => {
  let h: Harness;
  let email: string;
  beforeAll(async () => {
    h = await startHarness(target);
    email = (await h.register()).user.email!;
  });
  afterAll(async () => {
    await h?.close();
  });

  /** Times `SAMPLES` calls of each kind, alternating them so drift hits both alike. */
  const measure = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < 3; i += 1) await Promise.all([a(), b()]); // warm up
    for (let i = 0; i < SAMPLES; i += 1) {
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const which of order) {
        const started = performance.now();
        await (which === 0 ? a() : b());
        times[which]!.push(performance.now() - started);
      }
    }
    return times;
  };

  it('should answer a login for an unknown email as slowly as one with a wrong password', async () => {
    const login = (input: { email: string; password: string }) => async () => {
      const { data } = await h.call(null, LOGIN, { input });
      expect(data.login.userErrors[0].code).toBe('INVALID_CREDENTIALS');
    };
    const [unknown, wrong] = (
      await measure(
        login({ email: uniqueEmail('nobody'), password: 'Wrong-password-1' }),
        login({ email, password: 'Wrong-password-1' }),
      )
    ).map(median) as [number, number];
    expect(relativeGap(unknown, wrong), `medians ${unknown} vs ${wrong} ms`).toBeLessThan(0.2);
  });

  it('should answer a password-reset request for an unknown email as fast as for an account', async () => {
    const request = (address: string) => async () => {
      const { data } = await h.call(null, REQUEST_RESET, { input: { email: address } });
      expect(data.requestPasswordReset).toEqual({ accepted: true, userErrors: [] });
    };
    const [unknown, known] = await measure(request(uniqueEmail('nobody')), request(email));
    // These answers take a few ms, where a busy CI machine's noise is of the same order: compare
    // the calls made back to back (pair i), whose noise is alike, and require the median of
    // their differences to stay within 20 % of the median time.
    const gap = median(unknown.map((time, i) => time - known[i]!));
    const typical = median([...unknown, ...known]);
    expect(Math.abs(gap) / typical, `median gap ${gap} of ${typical} ms`).toBeLessThan(0.2);
  });
});
