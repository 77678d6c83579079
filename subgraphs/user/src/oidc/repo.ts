import { and, asc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { isUniqueViolation, withTransaction, type Db } from '@shop/db';
import { users, type UserRow } from '../tables';
import { identities, oidcFlows, type IdentityRow, type OidcFlowRow } from './tables';

export type NewFlow = Omit<OidcFlowRow, 'createdAt' | 'expiresAt'> & { ttlSeconds: number };
export type NewIdentity = Pick<
  IdentityRow,
  'id' | 'userId' | 'provider' | 'subject' | 'email' | 'emailVerified'
>;

/** The queries of provider sign-in: started flows, linked identities, provider-created users. */
export function createOidcRepo(db: Db) {
  return {
    /** Stores a started flow; drops expired flows on the way (bounded housekeeping). */
    async insertFlow(flow: NewFlow): Promise<Date> {
      const { ttlSeconds, ...values } = flow;
      await db.delete(oidcFlows).where(lte(oidcFlows.expiresAt, sql`now()`));
      const [row] = await db
        .insert(oidcFlows)
        .values({ ...values, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` })
        .returning({ expiresAt: oidcFlows.expiresAt });
      return row!.expiresAt;
    },

    /** Takes a flow exactly once (delete … returning); undefined when unknown, used or expired. */
    async takeFlow(stateHash: string): Promise<OidcFlowRow | undefined> {
      const [row] = await db
        .delete(oidcFlows)
        .where(and(eq(oidcFlows.stateHash, stateHash), gt(oidcFlows.expiresAt, sql`now()`)))
        .returning();
      return row;
    },

    async findIdentity(provider: string, subject: string): Promise<IdentityRow | undefined> {
      const [row] = await db
        .select()
        .from(identities)
        .where(and(eq(identities.provider, provider), eq(identities.subject, subject)));
      return row;
    },

    /** Records a sign-in with an identity and the provider's latest email claims. */
    async touchIdentity(
      id: string,
      profile: { email: string | null; emailVerified: boolean },
    ): Promise<void> {
      await db
        .update(identities)
        .set({ ...profile, lastUsedAt: sql`now()` })
        .where(eq(identities.id, id));
    },

    /** Links an identity; false when the provider account or the user's slot is already taken. */
    async insertIdentity(identity: NewIdentity): Promise<boolean> {
      try {
        await db.insert(identities).values(identity);
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },

    /** Creates a password-less user and its identity in one transaction; false if the email is taken. */
    async insertUserWithIdentity(
      user: Pick<UserRow, 'id' | 'email' | 'passwordHash' | 'name'>,
      identity: NewIdentity,
    ): Promise<UserRow | undefined> {
      try {
        return await withTransaction(db, async (tx) => {
          const [row] = await tx
            .insert(users)
            .values({
              ...user,
              roles: ['CUSTOMER'],
              passwordSet: false,
              // Created only from an email the provider marked verified.
              emailVerifiedAt: sql`now()`,
            })
            .returning();
          await tx.insert(identities).values(identity);
          return row!;
        });
      } catch (error) {
        if (isUniqueViolation(error)) return undefined;
        throw error;
      }
    },

    async identitiesOfUsers(userIds: string[]): Promise<IdentityRow[]> {
      if (userIds.length === 0) return [];
      return db
        .select()
        .from(identities)
        .where(inArray(identities.userId, userIds))
        .orderBy(asc(identities.createdAt), asc(identities.id));
    },

    /**
     * Removes the user's identity of `provider` unless it is their last way to sign in (no
     * password and no other identity). Serialised per user with a row lock.
     */
    async unlinkIdentity(
      userId: string,
      provider: string,
    ): Promise<'unlinked' | 'not-found' | 'last-method'> {
      return withTransaction(db, async (tx) => {
        const [user] = await tx
          .select({ passwordSet: users.passwordSet })
          .from(users)
          .where(eq(users.id, userId))
          .for('update');
        const linked = await tx
          .select({ id: identities.id, provider: identities.provider })
          .from(identities)
          .where(eq(identities.userId, userId));
        const target = linked.find((row) => row.provider === provider);
        if (!user || !target) return 'not-found';
        if (!user.passwordSet && linked.length === 1) return 'last-method';
        await tx.delete(identities).where(eq(identities.id, target.id));
        return 'unlinked';
      });
    },
  };
}

export type OidcRepo = ReturnType<typeof createOidcRepo>;
