import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '@shop/auth';
import { testDatabaseTargets } from '@shop/testing';
import { startHarness, type Harness } from './harness';

const ADDRESS_FIELDS = `id fullName line1 line2 city region postalCode countryCode phone isDefault`;
const PAYLOAD = `address { ${ADDRESS_FIELDS} } userErrors { code message field }`;
const ADD = `mutation ($input: AddressInput!) { addAddress(input: $input) { ${PAYLOAD} } }`;
const UPDATE = `mutation ($id: ID!, $input: AddressInput!) {
  updateAddress(id: $id, input: $input) { ${PAYLOAD} } }`;
const REMOVE = `mutation ($id: ID!) {
  removeAddress(id: $id) { removedAddressId userErrors { code message field } } }`;
const MY_ADDRESSES = `{ me { addresses { id isDefault city } } }`;

const address = (city: string, extra: Record<string, unknown> = {}) => ({
  fullName: 'Alex Example',
  line1: '1 Main Street',
  city,
  postalCode: '12345',
  countryCode: 'DE',
  ...extra,
});

describe.each(testDatabaseTargets())('user addresses on $name', (target) => {
  let h: Harness;
  let alice: Identity;
  let bob: Identity;

  const add = async (identity: Identity, input: Record<string, unknown>) =>
    (await h.call(identity, ADD, { input })).data.addAddress;
  const defaults = async (identity: Identity) =>
    Object.fromEntries(
      ((await h.call(identity, MY_ADDRESSES)).data.me.addresses as any[]).map((a) => [
        a.city,
        a.isDefault,
      ]),
    );

  beforeAll(async () => {
    h = await startHarness(target);
    alice = await h.identityOf((await h.register()).accessToken);
    bob = await h.identityOf((await h.register()).accessToken);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('should keep exactly one default address through add, update and remove', async () => {
    const first = await add(alice, address('Berlin', { line2: '  ', phone: '+49 30 123456' }));
    expect(first).toEqual({
      address: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        fullName: 'Alex Example',
        line1: '1 Main Street',
        line2: null,
        city: 'Berlin',
        region: null,
        postalCode: '12345',
        countryCode: 'DE',
        phone: '+49 30 123456',
        isDefault: true,
      },
      userErrors: [],
    });
    const second = await add(alice, address('Hamburg', { isDefault: false }));
    expect(second.address.isDefault).toBe(false);
    const third = await add(alice, address('Munich', { isDefault: true }));
    expect(third.address.isDefault).toBe(true);
    expect(await defaults(alice)).toEqual({ Berlin: false, Hamburg: false, Munich: true });

    const updated = await h.call(alice, UPDATE, {
      id: first.address.id,
      input: address('Potsdam', { isDefault: true, region: 'Brandenburg' }),
    });
    expect(updated.data.updateAddress.address).toMatchObject({
      id: first.address.id,
      city: 'Potsdam',
      region: 'Brandenburg',
      isDefault: true,
    });
    expect(await defaults(alice)).toEqual({ Potsdam: true, Hamburg: false, Munich: false });

    // false never unsets the current default
    await h.call(alice, UPDATE, {
      id: first.address.id,
      input: address('Potsdam', { isDefault: false }),
    });
    expect((await defaults(alice)).Potsdam).toBe(true);

    const removed = await h.call(alice, REMOVE, { id: first.address.id });
    expect(removed.data.removeAddress).toEqual({
      removedAddressId: first.address.id,
      userErrors: [],
    });
    // the oldest remaining address inherits the default
    expect(await defaults(alice)).toEqual({ Hamburg: true, Munich: false });

    const again = await h.call(alice, REMOVE, { id: first.address.id });
    expect(again.data.removeAddress).toEqual({
      removedAddressId: null,
      userErrors: [{ code: 'ADDRESS_NOT_FOUND', message: 'Address not found', field: ['id'] }],
    });
  });

  it("should not let a user see, change or remove another user's address", async () => {
    const mine = await add(bob, address('Vienna', { countryCode: 'AT' }));
    expect(mine.address.isDefault).toBe(true);

    const update = await h.call(alice, UPDATE, { id: mine.address.id, input: address('Evil') });
    expect(update.data.updateAddress).toMatchObject({
      address: null,
      userErrors: [{ code: 'ADDRESS_NOT_FOUND' }],
    });
    const remove = await h.call(alice, REMOVE, { id: mine.address.id });
    expect(remove.data.removeAddress.userErrors).toMatchObject([{ code: 'ADDRESS_NOT_FOUND' }]);
    const malformed = await h.call(alice, REMOVE, { id: 'not-a-uuid' });
    expect(malformed.data.removeAddress.userErrors).toMatchObject([{ code: 'ADDRESS_NOT_FOUND' }]);
    expect(await defaults(bob)).toEqual({ Vienna: true });
  });

  it('should validate address fields', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ countryCode: 'de' }, 'countryCode'],
      [{ countryCode: 'DEU' }, 'countryCode'],
      [{ city: '   ' }, 'city'],
      [{ postalCode: 'x'.repeat(21) }, 'postalCode'],
      [{ phone: 'call me' }, 'phone'],
    ];
    for (const [override, field] of cases) {
      const result = await add(alice, address('Nowhere', override));
      expect(result, field).toMatchObject({
        address: null,
        userErrors: [{ code: 'INVALID_INPUT', field: ['input', field] }],
      });
    }
    expect(await defaults(alice)).not.toHaveProperty('Nowhere');
  });

  it('should make exactly one of several concurrent first addresses the default', async () => {
    const carol = await h.identityOf((await h.register()).accessToken);
    const results = await Promise.all(
      ['A', 'B', 'C', 'D'].map((city) => add(carol, address(city))),
    );
    expect(results.every((result) => result.userErrors.length === 0)).toBe(true);
    expect(results.filter((result) => result.address.isDefault)).toHaveLength(1);
    expect(Object.values(await defaults(carol)).filter(Boolean)).toHaveLength(1);
  });

  it('should require a signed-in user for address mutations', async () => {
    for (const [field, query, variables] of [
      ['addAddress', ADD, { input: address('Anon') }],
      [
        'updateAddress',
        UPDATE,
        { id: '00000000-0000-4000-8000-000000000000', input: address('Anon') },
      ],
      ['removeAddress', REMOVE, { id: '00000000-0000-4000-8000-000000000000' }],
    ] as const) {
      const result = await h.call(null, query, variables);
      expect(result.data).toEqual({ [field]: null });
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});
