import { requireUser } from '@shop/subgraph';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { AccountFailure, User } from '../service';

const userErrors = (failure: AccountFailure) => [
  { code: failure.code, message: failure.message, field: failure.field ?? null },
];

const emailPayload = (
  result: ({ ok: true; user: User; sentTo?: string } | AccountFailure) & object,
) =>
  result.ok
    ? { user: result.user, verificationSentTo: result.sentTo ?? null, userErrors: [] }
    : { user: null, verificationSentTo: null, userErrors: userErrors(result) };

const sessionsPayload = (result: { ok: true; count: number } | AccountFailure) =>
  result.ok
    ? { revokedCount: result.count, userErrors: [] }
    : { revokedCount: 0, userErrors: userErrors(result) };

/** Password reset, email verification and session mutations. */
export const accountMutationResolvers: Pick<
  MutationResolvers,
  | 'requestPasswordReset'
  | 'resetPassword'
  | 'verifyEmail'
  | 'changeEmail'
  | 'resendEmailVerification'
  | 'revokeSession'
  | 'logoutEverywhere'
> = {
  requestPasswordReset: async (_parent, { input }, context) => {
    const result = await context.security.requestPasswordReset(input.email);
    return result.ok
      ? { accepted: true, userErrors: [] }
      : { accepted: false, userErrors: userErrors(result) };
  },

  resetPassword: async (_parent, { input }, context) => {
    const result = await context.security.resetPassword(input);
    return result.ok
      ? { success: true, userErrors: [] }
      : { success: false, userErrors: userErrors(result) };
  },

  verifyEmail: async (_parent, { input }, context) =>
    emailPayload(await context.security.verifyEmail(input.token)),

  changeEmail: async (_parent, { input }, context) => {
    const { userId } = requireUser(context);
    return emailPayload(await context.security.changeEmail(userId, input));
  },

  resendEmailVerification: async (_parent, _args, context) => {
    const { userId } = requireUser(context);
    return emailPayload(await context.security.resendEmailVerification(userId));
  },

  revokeSession: async (_parent, { input }, context) => {
    const { userId } = requireUser(context);
    return sessionsPayload(await context.security.revokeSession(userId, input.sessionId));
  },

  logoutEverywhere: async (_parent, _args, context) => {
    const { userId } = requireUser(context);
    return sessionsPayload(await context.security.logoutEverywhere(userId));
  },
};
