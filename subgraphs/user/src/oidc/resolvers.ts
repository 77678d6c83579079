import { requireUser } from '@shop/subgraph';
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';
import type { UserContext, UserParent } from '../resolvers';
import type { User } from '../service';
import type { OidcFailure } from './errors';

/** Set by `authPayload` in ../resolvers on users that have just signed in. */
type SignedInMarker = (user: User) => UserParent;

const userErrors = (failure: OidcFailure) => [
  { code: failure.code, message: failure.message, field: failure.field ?? null },
];

const startPayload = (
  result: { ok: true; authorizationUrl: string; state: string; expiresAt: Date } | OidcFailure,
) =>
  result.ok
    ? {
        authorizationUrl: result.authorizationUrl,
        state: result.state,
        expiresAt: result.expiresAt,
        userErrors: [],
      }
    : { authorizationUrl: null, state: null, expiresAt: null, userErrors: userErrors(result) };

/** `Query` fields of provider sign-in. */
export const oidcQueries: Pick<QueryResolvers<UserContext>, 'oidcProviders'> = {
  oidcProviders: (_parent, _args, context) =>
    context.oidc.providers().map(({ id, name }) => ({ id, name })),
};

/** `Mutation` fields of provider sign-in, linking and unlinking. */
export function oidcMutations(
  signedIn: SignedInMarker,
): Pick<
  MutationResolvers<UserContext>,
  | 'startOidcSignIn'
  | 'completeOidcSignIn'
  | 'startOidcLink'
  | 'completeOidcLink'
  | 'unlinkOidcIdentity'
> {
  return {
    startOidcSignIn: async (_parent, { input }, context) =>
      startPayload(await context.oidc.start({ provider: input.provider })),

    completeOidcSignIn: async (_parent, { input }, context) => {
      const result = await context.oidc.completeSignIn(input, {
        ip: context.clientIp,
        userAgent: context.userAgent,
      });
      return result.ok
        ? { user: signedIn(result.user), ...result.tokens, userErrors: [] }
        : {
            user: null,
            accessToken: null,
            accessTokenExpiresAt: null,
            refreshToken: null,
            userErrors: userErrors(result),
          };
    },

    startOidcLink: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      return startPayload(
        await context.oidc.start({ provider: input.provider, linkUserId: userId }),
      );
    },

    completeOidcLink: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      const result = await context.oidc.completeLink(userId, input);
      return result.ok
        ? { identity: result.identity, userErrors: [] }
        : { identity: null, userErrors: userErrors(result) };
    },

    unlinkOidcIdentity: async (_parent, { input }, context) => {
      const { userId } = requireUser(context);
      const result = await context.oidc.unlink(userId, input.provider);
      if (!result.ok) return { user: null, userErrors: userErrors(result) };
      return { user: await context.loadUser(userId), userErrors: [] };
    },
  };
}

/** `User.identities`: the caller's own (or, for an ADMIN, anyone's) linked providers. */
export const userIdentities = (user: UserParent, context: UserContext, visible: boolean) =>
  visible ? context.loadIdentities(user.id) : [];
