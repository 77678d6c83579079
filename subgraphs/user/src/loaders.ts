import { createBatchLoader } from '@shop/subgraph';
import type { AccountSecurity, Session } from './account/service';
import type { AccountService, Address, User } from './service';

/**
 * A per-request loader for users by id: ids asked for in the same tick are fetched in one query
 * (an `_entities` call with many representations costs one round trip), and repeats are cached.
 */
export function createUserLoader(service: AccountService): (id: string) => Promise<User | null> {
  const load = createBatchLoader(
    async (ids) => new Map((await service.usersByIds(ids)).map((user) => [user.id, user])),
    { cache: true },
  );
  return async (id) => (await load(id)) ?? null;
}

/**
 * A per-request loader of users' addresses: the addresses of all users asked for in the same
 * tick (an admin's page of users) are read with one query. Not cached: a mutation's payload
 * reads them fresh. Callers check who may see them.
 */
export function createAddressesLoader(
  service: AccountService,
): (userId: string) => Promise<Address[]> {
  const load = createBatchLoader((userIds) => service.addressesOfUsers(userIds));
  return async (userId) => (await load(userId)) ?? [];
}

/**
 * A per-request loader of users' active sessions: those of all users asked for in the same tick
 * (an admin's page of users) are read with one query. Not cached (a mutation's payload reads them
 * fresh). Callers check who may see them.
 */
export function createSessionsLoader(
  security: AccountSecurity,
): (userId: string) => Promise<Session[]> {
  const load = createBatchLoader((userIds) => security.sessionsOfUsers(userIds));
  return async (userId) => (await load(userId)) ?? [];
}
