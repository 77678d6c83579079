import { randomUUID } from 'node:crypto';
import { normalizeEmail } from '@shop/auth';
import { TOPICS, newEvent } from '@shop/events';
import { log } from '@shop/log';
import { isUuid } from '@shop/primitives';
import { hashPassword, passwordWeakness, verifyPassword } from '../passwords';
import type { UserRepo } from '../repo';
import { EMAIL_PATTERN, fail, toUser, type Result, type User } from '../service';
import type { SessionRow, UserRow } from '../tables';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_TTL_SECONDS } from '../tokens';
import type { AccountRepo, AccountTokenPurpose } from './repo';

/** A password-reset token is valid for 30 minutes. */
export const PASSWORD_RESET_TTL_SECONDS = 30 * 60;
/** An email-verification token is valid for 24 hours. */
export const EMAIL_VERIFICATION_TTL_SECONDS = 24 * 60 * 60;

export type Session = Omit<SessionRow, 'userId' | 'revokedAt'>;

/** How long after answering a password-reset request its email is queued. */
const AFTER_ANSWER_MS = 20;

const INVALID_TOKEN = 'This link is invalid, expired or was already used';

const validEmail = (raw: string): string | undefined => {
  const email = normalizeEmail(raw);
  return email.length <= 254 && EMAIL_PATTERN.test(email) ? email : undefined;
};

/** A new single-use token (32 random bytes, base64url) and the SHA-256 that is stored. */
const newAccountToken = () => {
  const token = newRefreshToken();
  return { token, tokenHash: hashRefreshToken(token) };
};

const toSession = ({ userId: _user, revokedAt: _revoked, ...session }: SessionRow): Session =>
  session;

/**
 * Password reset, email verification and sessions. Tokens sent by email are 32 random bytes
 * (base64url); only their SHA-256 is stored, and the raw token leaves this service only inside
 * the outbox event the notification subgraph turns into an email. Nothing here logs it.
 */
export function createAccountSecurity(options: {
  users: UserRepo;
  account: AccountRepo;
  /** Storefront base URL: emails link to `/reset-password?token=…` and `/verify-email?token=…`. */
  storefrontUrl: string;
}) {
  const { users, account, storefrontUrl } = options;
  /** Reset emails being queued after their request was answered. */
  const pending = new Set<Promise<void>>();
  /**
   * Runs `work` shortly after the answer was sent ({@link AFTER_ANSWER_MS}), so that it competes
   * neither with this response nor predictably with the next one.
   */
  const background = (work: () => Promise<void>) => {
    const tracked = new Promise<void>((resolve) => setTimeout(resolve, AFTER_ANSWER_MS))
      .then(work)
      .catch((error: unknown) => log.error('[user] could not queue a password-reset email', error))
      .finally(() => pending.delete(tracked));
    pending.add(tracked);
  };

  const link = (page: string, token: string) => {
    const url = new URL(page, storefrontUrl.endsWith('/') ? storefrontUrl : `${storefrontUrl}/`);
    url.searchParams.set('token', token);
    return url.toString();
  };

  /** Issues a token of `purpose` for `user`, sent to `email` through the outbox. */
  const sendToken = async (
    user: Pick<UserRow, 'id'>,
    purpose: AccountTokenPurpose,
    email: string,
    { token, tokenHash } = newAccountToken(),
  ) => {
    const ttl =
      purpose === 'password_reset' ? PASSWORD_RESET_TTL_SECONDS : EMAIL_VERIFICATION_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const data = {
      userId: user.id,
      email,
      token,
      link: link(purpose === 'password_reset' ? 'reset-password' : 'verify-email', token),
      expiresAt: expiresAt.toISOString(),
    };
    await account.issueToken({
      id: randomUUID(),
      userId: user.id,
      purpose,
      tokenHash,
      email,
      expiresAt,
      event:
        purpose === 'password_reset'
          ? newEvent({
              type: 'user.password_reset_requested',
              source: 'user',
              topic: TOPICS.user,
              subject: user.id,
              sequence: 0,
              data,
            })
          : newEvent({
              type: 'user.email_verification_requested',
              source: 'user',
              topic: TOPICS.user,
              subject: user.id,
              sequence: 0,
              data,
            }),
    });
  };

  return {
    /** Sends the verification email of a new account (its registration email). */
    async sendRegistrationVerification(user: UserRow): Promise<void> {
      await sendToken(user, 'email_verification', user.email);
    },

    /**
     * Sends a reset link when an active account has this email, and answers `ok` either way.
     * Both branches do the same work before answering (one lookup, one token generated and
     * hashed); the known branch's writes (token row, outbox event) run after the answer, so
     * their cost does not show in the response time (no account enumeration by timing).
     */
    async requestPasswordReset(rawEmail: string): Promise<Result<object>> {
      const email = validEmail(rawEmail);
      if (!email) return fail('INVALID_EMAIL', 'Enter a valid email address', ['input', 'email']);
      const user = await users.findUserByEmail(email);
      const secret = newAccountToken();
      if (user && !user.disabledAt) {
        background(() => sendToken(user, 'password_reset', user.email, secret));
      }
      return { ok: true };
    },

    /** Resolves once the reset emails being queued after their answer are written (shutdown). */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },

    /** Sets a new password with a reset token; ends every session of the account. */
    async resetPassword(input: { token: string; newPassword: string }): Promise<Result<object>> {
      const tokenHash = hashRefreshToken(input.token);
      if (!(await account.findUsableToken(tokenHash, 'password_reset'))) {
        return fail('INVALID_TOKEN', INVALID_TOKEN, ['input', 'token']);
      }
      const weakness = passwordWeakness(input.newPassword);
      if (weakness) return fail('WEAK_PASSWORD', weakness, ['input', 'newPassword']);
      const passwordHash = await hashPassword(input.newPassword);
      if (!(await account.resetPassword(tokenHash, passwordHash))) {
        return fail('INVALID_TOKEN', INVALID_TOKEN, ['input', 'token']);
      }
      return { ok: true };
    },

    /** Verifies the address a verification token was sent to (and makes it the sign-in email). */
    async verifyEmail(token: string): Promise<Result<{ user: User }>> {
      const outcome = await account.verifyEmail(hashRefreshToken(token));
      switch (outcome.status) {
        case 'verified':
          return { ok: true, user: toUser(outcome.user) };
        case 'taken':
          return fail('EMAIL_TAKEN', 'An account with this email already exists', [
            'input',
            'token',
          ]);
        case 'invalid':
          return fail('INVALID_TOKEN', INVALID_TOKEN, ['input', 'token']);
      }
    },

    /** Sends a verification link to `newEmail`; the email changes once it is used. */
    async changeEmail(
      userId: string,
      input: { newEmail: string; currentPassword: string },
    ): Promise<Result<{ user: User; sentTo: string }>> {
      const user = await users.findUserById(userId);
      if (!user || user.disabledAt) return fail('USER_NOT_FOUND', 'No account has this id');
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
        return fail('INVALID_CREDENTIALS', 'The current password is wrong', [
          'input',
          'currentPassword',
        ]);
      }
      const email = validEmail(input.newEmail);
      if (!email)
        return fail('INVALID_EMAIL', 'Enter a valid email address', ['input', 'newEmail']);
      if (email === user.email) {
        return fail('INVALID_INPUT', 'This is already the account email', ['input', 'newEmail']);
      }
      if (await account.emailTakenByOther(email, userId)) {
        return fail('EMAIL_TAKEN', 'An account with this email already exists', [
          'input',
          'newEmail',
        ]);
      }
      await sendToken(user, 'email_verification', email);
      return { ok: true, user: toUser(user), sentTo: email };
    },

    /** Sends a new verification link for the account's current, unverified email. */
    async resendEmailVerification(userId: string): Promise<Result<{ user: User; sentTo: string }>> {
      const user = await users.findUserById(userId);
      if (!user || user.disabledAt) return fail('USER_NOT_FOUND', 'No account has this id');
      if (user.emailVerifiedAt) {
        return fail('EMAIL_ALREADY_VERIFIED', 'The email of this account is already verified');
      }
      await sendToken(user, 'email_verification', user.email);
      return { ok: true, user: toUser(user), sentTo: user.email };
    },

    /**
     * Active sessions (not revoked, used within the refresh-token lifetime) of some users, read
     * with one query, each user's most recently used first.
     */
    async sessionsOfUsers(userIds: string[]): Promise<Map<string, Session[]>> {
      const byUser = new Map<string, Session[]>(userIds.map((id) => [id, []]));
      const rows = await account.listSessions(userIds.filter(isUuid), REFRESH_TOKEN_TTL_SECONDS);
      for (const row of rows) byUser.get(row.userId)?.push(toSession(row));
      return byUser;
    },

    /** Ends one of the user's sessions. */
    async revokeSession(userId: string, sessionId: string): Promise<Result<{ count: number }>> {
      const count = isUuid(sessionId) ? await account.revokeSession(userId, sessionId) : 0;
      if (count === 0) {
        return fail('SESSION_NOT_FOUND', 'No active session with this id', ['input', 'sessionId']);
      }
      return { ok: true, count };
    },

    /** Ends every session of the user. */
    async logoutEverywhere(userId: string): Promise<Result<{ count: number }>> {
      return { ok: true, count: await account.revokeAllSessions(userId) };
    },
  };
}

export type AccountSecurity = ReturnType<typeof createAccountSecurity>;
