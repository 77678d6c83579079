import { describe, expect, it } from 'vitest';
import { hashPassword, passwordWeakness, verifyPassword } from '../src/passwords';
import { DEMO_ACCOUNTS } from '../src/seed';

describe('passwords', () => {
  it.each([
    ['short', 'Abc-123', false],
    ['letters only', 'abcdefghijkl', false],
    ['digits only', '123456789012', false],
    ['too long', `Aa${'b'.repeat(127)}`, false],
    ['letters and digits', 'abcdefghij1', true],
    ['admin demo', DEMO_ACCOUNTS.admin.password, true],
    ['customer demo', DEMO_ACCOUNTS.customer.password, true],
    ['128 characters', `A${'a'.repeat(127)}`, true],
  ])('should judge a %s password as acceptable=%s', (_label, password, acceptable) => {
    expect(passwordWeakness(password) === undefined).toBe(acceptable);
  });

  it('should verify the right password and reject a wrong one or a broken hash', async () => {
    const hash = await hashPassword('Correct-Horse-9');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(hash, 'Correct-Horse-9')).toBe(true);
    expect(await verifyPassword(hash, 'Correct-Horse-8')).toBe(false);
    expect(await verifyPassword('not-a-hash', 'Correct-Horse-9')).toBe(false);
  });
});
