import { createBatchLoader } from '@shop/subgraph';
import type { AccountService, User } from './service';

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
