import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { startHarness, PASSWORD, type Harness } from './harness';

const DISABLE = `mutation ($input: DisableUserInput!) {
  disableUser(input: $input) { user { id disabledAt } userErrors { code field } } }`;
const STATUSES = `query ($ids: [ID!]!) { accountStatuses(userIds: $ids) { userId active } }`;

const admin = { userId: 'admin-test', roles: ['ADMIN' as const] };
const service = { userId: 'service:gateway', roles: ['SERVICE' as const] };

describe.each(testDatabaseTargets())('disabled accounts on $name', (target) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(target);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should disable an account: no sign-in, no refresh, every session revoked', async () => {
    const registered = await h.register();
    const userId = (await h.identityOf(registered.accessToken)).userId;
    const loggedIn = await h.login({ email: registered.user.email!, password: PASSWORD });
    const { data } = await h.call(admin, DISABLE, { input: { userId } });
    expect(data.disableUser.userErrors).toEqual([]);
    expect(data.disableUser.user).toMatchObject({ id: userId, disabledAt: expect.any(String) });

    for (const token of [registered.refreshToken, loggedIn.refreshToken]) {
      const refreshed = await h.refresh(token);
      expect(refreshed.accessToken).toBeNull();
      expect(refreshed.userErrors[0]?.code).toBe('INVALID_REFRESH_TOKEN');
    }
    // Answered like a wrong password (no hint that the password was right).
    const again = await h.login({ email: registered.user.email!, password: PASSWORD });
    expect(again.accessToken).toBeNull();
    expect(again.userErrors.map((error) => error.code)).toEqual(['INVALID_CREDENTIALS']);
    // Disabling twice keeps the first time.
    const twice = await h.call(admin, DISABLE, { input: { userId } });
    expect(twice.data.disableUser.user.disabledAt).toBe(data.disableUser.user.disabledAt);
  });

  it('should refuse non-admins and name a missing account', async () => {
    const registered = await h.register();
    const self = await h.identityOf(registered.accessToken);
    const denied = await h.call(self, DISABLE, { input: { userId: self.userId } });
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    for (const userId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const { data } = await h.call(admin, DISABLE, { input: { userId } });
      expect(data.disableUser).toEqual({
        user: null,
        userErrors: [{ code: 'USER_NOT_FOUND', field: ['input', 'userId'] }],
      });
    }
  });

  it('should answer account statuses to services only, in the order asked', async () => {
    const active = await h.identityOf((await h.register()).accessToken);
    const disabled = await h.identityOf((await h.register()).accessToken);
    await h.call(admin, DISABLE, { input: { userId: disabled.userId } });
    const ids = [
      disabled.userId,
      'not-a-uuid',
      active.userId,
      '00000000-0000-4000-8000-000000000000',
    ];
    const { data } = await h.call(service, STATUSES, { ids });
    expect(data.accountStatuses).toEqual([
      { userId: disabled.userId, active: false },
      { userId: 'not-a-uuid', active: false },
      { userId: active.userId, active: true },
      { userId: '00000000-0000-4000-8000-000000000000', active: false },
    ]);
    const asAdmin = await h.call(admin, STATUSES, { ids });
    expect(asAdmin.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooMany = await h.call(service, STATUSES, {
      ids: Array.from({ length: 101 }, () => active.userId),
    });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
