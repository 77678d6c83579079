import { and, desc, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { isUniqueViolation, withTransaction, type Db } from '@shop/db';
import { appendToOutbox, type NewEvent } from '@shop/events';
import {
  accountTokens,
  refreshTokens,
  sessions,
  users,
  type AccountTokenRow,
  type SessionRow,
  type UserRow,
} from '../tables';

export type AccountTokenPurpose = AccountTokenRow['purpose'];

/** The Postgres schema of the user subgraph (its outbox lives there too). */
const SCHEMA = 'user';

/** Same key as the refresh-token repo: serialises rotation and revocation of one family. */
const lockFamily = (tx: Db, familyId: string) =>
  tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`user-refresh-family:${familyId}`}))`);

/**
 * Ends sessions in `tx`: marks them revoked and revokes their refresh tokens, holding each
 * family's lock so that a rotation under way finishes first and its successor is revoked too.
 */
async function revokeSessions(tx: Db, userId: string, sessionIds?: string[]): Promise<number> {
  const families = await tx
    .selectDistinct({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.userId, userId),
        isNull(refreshTokens.revokedAt),
        sessionIds ? inArray(refreshTokens.familyId, sessionIds) : undefined,
      ),
    );
  const ids = [...new Set([...families.map((f) => f.familyId), ...(sessionIds ?? [])])].sort();
  for (const id of ids) await lockFamily(tx, id);
  if (ids.length > 0) {
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(
        and(
          eq(refreshTokens.userId, userId),
          inArray(refreshTokens.familyId, ids),
          isNull(refreshTokens.revokedAt),
        ),
      );
  }
  const ended = await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        sessionIds ? inArray(sessions.id, sessionIds) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}

/** Marks a usable (unused, unexpired) token of `purpose` used; undefined when there is none. */
async function consumeToken(tx: Db, tokenHash: string, purpose: AccountTokenPurpose) {
  const [token] = await tx
    .update(accountTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(accountTokens.tokenHash, tokenHash),
        eq(accountTokens.purpose, purpose),
        isNull(accountTokens.usedAt),
        gt(accountTokens.expiresAt, sql`now()`),
      ),
    )
    .returning();
  return token;
}

/** Database work of password reset, email verification and sessions. */
export function createAccountRepo(db: Db) {
  return {
    /**
     * Issues a single-use token in one transaction: earlier unused tokens of the same purpose for
     * the account are used up, the token's hash is stored, and the email event is appended to
     * the outbox (the notification subgraph queues the email).
     */
    async issueToken(token: {
      id: string;
      userId: string;
      purpose: AccountTokenPurpose;
      tokenHash: string;
      email: string;
      expiresAt: Date;
      event: NewEvent;
    }): Promise<void> {
      const { event, ...row } = token;
      await withTransaction(db, async (tx) => {
        await tx
          .update(accountTokens)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(accountTokens.userId, row.userId),
              eq(accountTokens.purpose, row.purpose),
              isNull(accountTokens.usedAt),
            ),
          );
        await tx.insert(accountTokens).values(row);
        await appendToOutbox(tx, SCHEMA, [event]);
      });
    },

    /** A token that can still be used (unused, unexpired), without consuming it. */
    async findUsableToken(
      tokenHash: string,
      purpose: AccountTokenPurpose,
    ): Promise<AccountTokenRow | undefined> {
      const [row] = await db
        .select()
        .from(accountTokens)
        .where(
          and(
            eq(accountTokens.tokenHash, tokenHash),
            eq(accountTokens.purpose, purpose),
            isNull(accountTokens.usedAt),
            gt(accountTokens.expiresAt, sql`now()`),
          ),
        );
      return row;
    },

    /**
     * Consumes a password-reset token and, in the same transaction, sets the password and ends
     * every session of the account. False when the token was no longer usable.
     */
    async resetPassword(tokenHash: string, passwordHash: string): Promise<boolean> {
      return withTransaction(db, async (tx) => {
        const token = await consumeToken(tx, tokenHash, 'password_reset');
        if (!token) return false;
        await tx
          .update(users)
          .set({ passwordHash, passwordSet: true, updatedAt: sql`now()` })
          .where(eq(users.id, token.userId));
        await revokeSessions(tx, token.userId);
        return true;
      });
    },

    /**
     * Consumes an email-verification token: the address it was sent to becomes the account's
     * verified email. `taken` when another account uses that address meanwhile (the token stays
     * usable), `invalid` when the token is not usable.
     */
    async verifyEmail(
      tokenHash: string,
    ): Promise<{ status: 'verified'; user: UserRow } | { status: 'invalid' | 'taken' }> {
      return withTransaction(db, async (tx) => {
        const token = await consumeToken(tx, tokenHash, 'email_verification');
        if (!token) return { status: 'invalid' as const };
        const [other] = await tx
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.email, token.email), ne(users.id, token.userId)));
        if (other) throw new EmailTaken();
        const [user] = await tx
          .update(users)
          .set({ email: token.email, emailVerifiedAt: sql`now()`, updatedAt: sql`now()` })
          .where(eq(users.id, token.userId))
          .returning();
        if (!user) return { status: 'invalid' as const };
        return { status: 'verified' as const, user };
      }).catch((error: unknown) => {
        // Thrown to roll the consumption back; a concurrent taker hits the unique index.
        if (error instanceof EmailTaken || isUniqueViolation(error)) {
          return { status: 'taken' as const };
        }
        throw error;
      });
    },

    /**
     * The sessions of some accounts (one query) that are not revoked and were used within
     * `maxIdleSeconds`, most recently used first.
     */
    async listSessions(userIds: string[], maxIdleSeconds: number): Promise<SessionRow[]> {
      if (userIds.length === 0) return [];
      return db
        .select()
        .from(sessions)
        .where(
          and(
            inArray(sessions.userId, userIds),
            isNull(sessions.revokedAt),
            gt(sessions.lastUsedAt, sql`now() - make_interval(secs => ${maxIdleSeconds})`),
          ),
        )
        .orderBy(desc(sessions.lastUsedAt), desc(sessions.id));
    },

    /** Ends one session of the account; 0 when it has no such active session. */
    revokeSession(userId: string, sessionId: string): Promise<number> {
      return withTransaction(db, (tx) => revokeSessions(tx, userId, [sessionId]));
    },

    /** Ends every session of the account; returns how many were active. */
    revokeAllSessions(userId: string): Promise<number> {
      return withTransaction(db, (tx) => revokeSessions(tx, userId));
    },

    /** Whether another account than `userId` signs in with `email`. */
    async emailTakenByOther(email: string, userId: string): Promise<boolean> {
      const [row] = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, email), ne(users.id, userId)));
      return !!row;
    },
  };
}

/** Rolls `verifyEmail`'s transaction back when the address belongs to another account. */
class EmailTaken extends Error {}

export type AccountRepo = ReturnType<typeof createAccountRepo>;
