import {
  badUserInput,
  DateTimeScalar,
  decodeCursor,
  pageSize,
  requireRole,
  requireUser,
  toConnection,
  type BaseSubgraphContext,
} from '@shop/subgraph';
import {
  canSeePrivate,
  type AccountFailure,
  type AccountService,
  type Address,
  type User,
} from './service';
import type { Resolvers } from './generated/resolvers-types';
import type { IssuedTokens } from './tokens';
import { oidcMutations, oidcQueries, userIdentities } from './oidc/resolvers';
import type { Identity, OidcService } from './oidc/service';
import type { AccountSecurity, Session } from './account/service';
import { accountMutationResolvers } from './account/resolvers';

export interface UserContext extends BaseSubgraphContext {
  service: AccountService;
  loadUser: (id: string) => Promise<User | null>;
  /** Per-request, batched: a user's addresses. */
  loadAddresses: (userId: string) => Promise<Address[]>;
  /** Sign-in with OpenID Connect providers and GitHub. */
  oidc: OidcService;
  /** Per-request, batched: a user's linked provider identities. */
  loadIdentities: (userId: string) => Promise<Identity[]>;
  /** Password reset, email verification and sessions. */
  security: AccountSecurity;
  /** Per-request, batched: a user's active sessions. */
  loadSessions: (userId: string) => Promise<Session[]>;
}

/** The client of a sign-in or refresh (forwarded by the gateway), for its session. */
const clientOf = (context: UserContext) => ({ ip: context.clientIp, userAgent: context.userAgent });

/**
 * Marks the user returned by register/login/refresh: the caller has just proven to be them,
 * though the request itself is anonymous, so their private fields are visible.
 */
const SIGNED_IN = Symbol('signedIn');
/** What `User` resolvers receive: a user row, possibly marked as just signed in. */
export type UserParent = User & { [SIGNED_IN]?: true };

const canSee = (user: UserParent, context: UserContext) =>
  user[SIGNED_IN] === true || canSeePrivate(context.identity, user.id);

const userErrors = (failure: AccountFailure) => [
  { code: failure.code, message: failure.message, field: failure.field ?? null },
];

const authPayload = (result: { ok: true; user: User; tokens: IssuedTokens } | AccountFailure) =>
  result.ok
    ? { user: { ...result.user, [SIGNED_IN]: true as const }, ...result.tokens, userErrors: [] }
    : {
        user: null,
        accessToken: null,
        accessTokenExpiresAt: null,
        refreshToken: null,
        userErrors: userErrors(result),
      };

const isUserCursor = (value: unknown): value is [string, string] =>
  Array.isArray(value) &&
  value.length === 2 &&
  typeof value[0] === 'string' &&
  !Number.isNaN(Date.parse(value[0])) &&
  typeof value[1] === 'string';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,

  Query: {
    me: (_parent, _args, context) =>
      context.identity ? context.loadUser(context.identity.userId) : null,

    users: async (_parent, args, context) => {
      requireRole(context, 'ADMIN');
      const limit = pageSize(args.first);
      const after = args.after ? decodeCursor(args.after, isUserCursor) : undefined;
      const rows = await context.service.listUsers({
        limit: limit + 1,
        after: after && { createdAt: new Date(after[0]), id: after[1] },
      });
      return toConnection(rows, limit, (user) => [user.createdAt.toISOString(), user.id], {
        hasPreviousPage: !!after,
      });
    },

    accountStatuses: async (_parent, { userIds }, context) => {
      requireRole(context, 'SERVICE');
      const result = await context.service.accountStatuses(userIds);
      if (!result.ok) throw badUserInput(result.message);
      return result.statuses;
    },

    ...oidcQueries,
  },

  User: {
    __resolveReference: (reference, context) => context.loadUser(reference.id),
    email: (user, _args, context) => (canSee(user, context) ? user.email : null),
    roles: (user, _args, context) => (canSee(user, context) ? user.roles : []),
    disabledAt: (user, _args, context) => (canSee(user, context) ? user.disabledAt : null),
    addresses: (user, _args, context) =>
      canSee(user, context) ? context.loadAddresses(user.id) : [],
    identities: (user, _args, context) => userIdentities(user, context, canSee(user, context)),
    emailVerified: (user, _args, context) =>
      canSee(user, context) ? !!user.emailVerifiedAt : null,
    sessions: (user, _args, context) =>
      canSee(user, context) ? context.loadSessions(user.id) : [],
  },

  Mutation: {
    register: async (_parent, { input }, context) =>
      authPayload(await context.service.register(input, clientOf(context))),

    login: async (_parent, { input }, context) =>
      authPayload(await context.service.login(input, clientOf(context))),

    refreshToken: async (_parent, { input }, context) =>
      authPayload(await context.service.refresh(input.refreshToken, clientOf(context))),

    logout: async (_parent, { input }, context) => {
      const result = await context.service.logout(input.refreshToken);
      return result.ok
        ? { success: true, userErrors: [] }
        : { success: false, userErrors: userErrors(result) };
    },

    disableUser: async (_parent, { input }, context) => {
      requireRole(context, 'ADMIN');
      const result = await context.service.disableUser(input.userId);
      return result.ok
        ? { user: result.user, userErrors: [] }
        : { user: null, userErrors: userErrors(result) };
    },

    updateProfile: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      const result = await context.service.updateProfile(userId, input);
      return result.ok
        ? { user: result.user, userErrors: [] }
        : { user: null, userErrors: userErrors(result) };
    },

    addAddress: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      const result = await context.service.addAddress(userId, input);
      return result.ok
        ? { address: result.address, userErrors: [] }
        : { address: null, userErrors: userErrors(result) };
    },

    updateAddress: async (_parent, { id, input }, context) => {
      const { userId } = requireUser(context);
      const result = await context.service.updateAddress(userId, id, input);
      return result.ok
        ? { address: result.address, userErrors: [] }
        : { address: null, userErrors: userErrors(result) };
    },

    removeAddress: async (_parent, { id }, context) => {
      const { userId } = requireUser(context);
      const result = await context.service.removeAddress(userId, id);
      return result.ok
        ? { removedAddressId: result.id, userErrors: [] }
        : { removedAddressId: null, userErrors: userErrors(result) };
    },

    ...oidcMutations((user) => ({ ...user, [SIGNED_IN]: true as const })),
    ...accountMutationResolvers,
  },
};
