import { randomUUID } from 'node:crypto';
import { hashPassword } from './passwords';
import type { UserRepo } from './repo';

/** Demo sign-ins created by the seed (documented in the README; never use them in production). */
export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@shopgraph.dev', password: 'ShopGraph-Admin-1' },
  customer: { email: 'customer@shopgraph.dev', password: 'ShopGraph-Customer-1' },
} as const;

/**
 * Inserts the demo admin and customer (with one address) unless an account with their email
 * exists. Safe to run repeatedly and from several processes at once.
 */
export async function seedDemoAccounts(repo: UserRepo): Promise<void> {
  await seedAccount(repo, {
    ...DEMO_ACCOUNTS.admin,
    name: 'Ada Admin',
    roles: ['ADMIN', 'CUSTOMER'],
  });
  const customer = await seedAccount(repo, {
    ...DEMO_ACCOUNTS.customer,
    name: 'Casey Customer',
    roles: ['CUSTOMER'],
  });
  if (customer) {
    await repo.addAddress({
      id: randomUUID(),
      userId: customer,
      fields: {
        fullName: 'Casey Customer',
        line1: 'Invalidenstraße 117',
        line2: null,
        city: 'Berlin',
        region: null,
        postalCode: '10115',
        countryCode: 'DE',
        phone: '+49 30 1234567',
      },
      makeDefault: true,
      createdAt: new Date(),
    });
  }
}

/** Returns the new user's id, or undefined when the email already exists. */
async function seedAccount(
  repo: UserRepo,
  account: { email: string; password: string; name: string; roles: Array<'CUSTOMER' | 'ADMIN'> },
): Promise<string | undefined> {
  if (await repo.findUserByEmail(account.email)) return undefined;
  const inserted = await repo.insertUser({
    id: randomUUID(),
    email: account.email,
    passwordHash: await hashPassword(account.password),
    name: account.name,
    roles: account.roles,
    createdAt: new Date(),
  });
  return inserted.ok ? inserted.user.id : undefined;
}
