import { createBatchLoader } from '@shop/subgraph';
import type { Identity, OidcService } from './service';

/** A per-request loader of users' linked identities (one query per tick, not cached). */
export function createIdentitiesLoader(oidc: OidcService): (userId: string) => Promise<Identity[]> {
  const load = createBatchLoader((userIds) => oidc.identitiesOfUsers(userIds));
  return async (userId) => (await load(userId)) ?? [];
}
