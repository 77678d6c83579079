import type { SigningKey } from '@shop/auth';
import { createServiceClient } from '@shop/subgraph';
import { AccountStatusCache, type AccountStatusOptions } from '../account-status';

/** The query the gateway asks the user subgraph about accounts (SERVICE only). */
const ACCOUNT_STATUSES = `query AccountStatuses($userIds: [ID!]!) { accountStatuses(userIds: $userIds) { userId active } }`;

/**
 * Disabled or deleted accounts: their tokens are refused within the status cache's max age.
 * Only where a `user` subgraph (the source of truth) is part of the graph, and not with `false`.
 */
export function userAccountStatus(options: {
  supergraphSdl: string;
  signingKey: SigningKey;
  accountStatus: AccountStatusOptions | false | undefined;
  /** Where the user subgraph is called now (its URL may change with the supergraph). */
  userUrl: () => string | undefined;
}): AccountStatusCache | undefined {
  if (
    options.accountStatus === false ||
    !options.supergraphSdl.includes('@join__graph(name: "user"')
  ) {
    return undefined;
  }
  const { userUrl } = options;
  const userService = createServiceClient({
    self: 'gateway',
    key: options.signingKey,
    urls: {
      get user() {
        return userUrl();
      },
    } as Record<string, string>,
    timeoutMs: 1_000,
  });
  return new AccountStatusCache(async (userIds) => {
    const data = await userService.call<{
      accountStatuses: Array<{ userId: string; active: boolean }> | null;
    }>('user', ACCOUNT_STATUSES, { userIds });
    return new Map(data.accountStatuses?.map((status) => [status.userId, status.active]));
  }, options.accountStatus);
}

/** The `sub` claim of a JWT, unverified (for tokens the user subgraph just issued). */
function tokenSubject(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    return typeof payload?.sub === 'string' ? payload.sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Told each access token a sign-in just issued: the token comes from the user subgraph (this
 * response came from it) for an account that is active, so the client's next request needs no
 * status call. Clients' tokens are verified as always; this only reads the subject.
 */
export const markSignedInActive =
  (accountStatus: AccountStatusCache | undefined) => (accessToken: string) => {
    const subject = tokenSubject(accessToken);
    if (subject) accountStatus?.markActive(subject);
  };
