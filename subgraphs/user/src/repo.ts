import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { isUniqueViolation, withTransaction, type Db } from '@shop/db';
import { addresses, refreshTokens, sessions, users, type AddressRow, type UserRow } from './tables';

export type NewUser = Pick<
  UserRow,
  'id' | 'email' | 'passwordHash' | 'name' | 'roles' | 'createdAt'
>;

/** Address fields a client can set. */
export type AddressFields = Pick<
  AddressRow,
  'fullName' | 'line1' | 'line2' | 'city' | 'region' | 'postalCode' | 'countryCode' | 'phone'
>;

/** The client behind a sign-in or refresh, as the gateway forwarded it. */
export interface SessionClient {
  ip?: string | undefined;
  userAgent?: string | undefined;
}

export type RotateOutcome =
  { status: 'rotated'; userId: string } | { status: 'reused' } | { status: 'invalid' };

/**
 * Every query of the user subgraph. Multi-statement invariants (one default address per user,
 * refresh-token rotation) run in one transaction here, so callers never see a half-applied change.
 */
export function createUserRepo(db: Db) {
  /** Serialises address changes of one user (first address → default, one default at a time). */
  const lockUser = (tx: Db, userId: string) =>
    tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for('update');

  /** Serialises rotation and revocation within one refresh-token family. */
  const lockFamily = (tx: Db, familyId: string) =>
    tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`user-refresh-family:${familyId}`}))`);

  /** Revokes a family's tokens and ends its session. */
  const revokeFamily = async (tx: Db, familyId: string) => {
    await tx
      .update(refreshTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
    await tx
      .update(sessions)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(sessions.id, familyId), isNull(sessions.revokedAt)));
  };

  const findTokenByHash = async (tx: Db, tokenHash: string) =>
    (await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)))[0];

  return {
    async findUserById(id: string): Promise<UserRow | undefined> {
      return (await db.select().from(users).where(eq(users.id, id)))[0];
    },

    async findUsersByIds(ids: string[]): Promise<UserRow[]> {
      if (ids.length === 0) return [];
      return db.select().from(users).where(inArray(users.id, ids));
    },

    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      return (await db.select().from(users).where(eq(users.email, email)))[0];
    },

    /** Inserts a user; a taken email (also under a concurrent insert) is a result, not a throw. */
    async insertUser(user: NewUser): Promise<{ ok: true; user: UserRow } | { ok: false }> {
      try {
        const [row] = await db.insert(users).values(user).returning();
        return { ok: true, user: row! };
      } catch (error) {
        if (isUniqueViolation(error)) return { ok: false };
        throw error;
      }
    },

    /**
     * Disables an account (keeps the first `disabled_at`) and revokes every refresh token it
     * holds, in one transaction. Undefined when there is no such account.
     */
    async disableUser(id: string): Promise<UserRow | undefined> {
      return withTransaction(db, async (tx) => {
        const [row] = await tx
          .update(users)
          .set({ disabledAt: sql`coalesce(${users.disabledAt}, now())`, updatedAt: sql`now()` })
          .where(eq(users.id, id))
          .returning();
        if (!row) return undefined;
        await tx
          .update(refreshTokens)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(refreshTokens.userId, id), isNull(refreshTokens.revokedAt)));
        await tx
          .update(sessions)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(sessions.userId, id), isNull(sessions.revokedAt)));
        return row;
      });
    },

    /** Id and `disabled_at` of the accounts among `ids` that exist, in one query. */
    async findAccountStatuses(
      ids: string[],
    ): Promise<Array<{ id: string; disabledAt: Date | null }>> {
      if (ids.length === 0) return [];
      return db
        .select({ id: users.id, disabledAt: users.disabledAt })
        .from(users)
        .where(inArray(users.id, ids));
    },

    async updateUserName(id: string, name: string): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ name, updatedAt: sql`now()` })
        .where(eq(users.id, id))
        .returning();
      return row;
    },

    /** Users ordered by (createdAt, id), after an optional keyset cursor. */
    async listUsers(options: {
      limit: number;
      after?: { createdAt: Date; id: string } | undefined;
    }): Promise<UserRow[]> {
      const { after } = options;
      return db
        .select()
        .from(users)
        .where(
          after
            ? sql`(${users.createdAt}, ${users.id}) > (${after.createdAt.toISOString()}::timestamptz, ${after.id}::uuid)`
            : undefined,
        )
        .orderBy(asc(users.createdAt), asc(users.id))
        .limit(options.limit);
    },

    /** The addresses of some users, in one query, each user's oldest first. */
    async listAddressesOfUsers(userIds: string[]): Promise<AddressRow[]> {
      if (userIds.length === 0) return [];
      return db
        .select()
        .from(addresses)
        .where(inArray(addresses.userId, userIds))
        .orderBy(asc(addresses.createdAt), asc(addresses.id));
    },

    async listAddresses(userId: string): Promise<AddressRow[]> {
      return db
        .select()
        .from(addresses)
        .where(eq(addresses.userId, userId))
        .orderBy(asc(addresses.createdAt), asc(addresses.id));
    },

    /**
     * Adds an address. It becomes the default when it is the user's first or when `makeDefault`;
     * any previous default is unset in the same transaction.
     */
    async addAddress(options: {
      id: string;
      userId: string;
      fields: AddressFields;
      makeDefault: boolean;
      createdAt: Date;
    }): Promise<AddressRow> {
      const { id, userId, fields, createdAt } = options;
      return withTransaction(db, async (tx) => {
        await lockUser(tx, userId);
        const [existing] = await tx
          .select({ id: addresses.id })
          .from(addresses)
          .where(eq(addresses.userId, userId))
          .limit(1);
        const isDefault = options.makeDefault || !existing;
        if (isDefault) {
          await tx
            .update(addresses)
            .set({ isDefault: false })
            .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
        }
        const [row] = await tx
          .insert(addresses)
          .values({ id, userId, ...fields, isDefault, createdAt, updatedAt: createdAt })
          .returning();
        return row!;
      });
    },

    /**
     * Replaces an address's fields; `makeDefault` moves the default to it. Returns undefined when
     * the address does not exist or belongs to someone else.
     */
    async updateAddress(options: {
      id: string;
      userId: string;
      fields: AddressFields;
      makeDefault: boolean;
    }): Promise<AddressRow | undefined> {
      const { id, userId, fields } = options;
      return withTransaction(db, async (tx) => {
        await lockUser(tx, userId);
        const owned = and(eq(addresses.id, id), eq(addresses.userId, userId));
        const [current] = await tx.select().from(addresses).where(owned);
        if (!current) return undefined;
        if (options.makeDefault && !current.isDefault) {
          await tx
            .update(addresses)
            .set({ isDefault: false })
            .where(and(eq(addresses.userId, userId), eq(addresses.isDefault, true)));
        }
        const [row] = await tx
          .update(addresses)
          .set({
            ...fields,
            isDefault: current.isDefault || options.makeDefault,
            updatedAt: sql`now()`,
          })
          .where(owned)
          .returning();
        return row;
      });
    },

    /**
     * Deletes an address; when it was the default, the oldest remaining address becomes the
     * default. Returns false when the address does not exist or belongs to someone else.
     */
    async removeAddress(options: { id: string; userId: string }): Promise<boolean> {
      const { id, userId } = options;
      return withTransaction(db, async (tx) => {
        await lockUser(tx, userId);
        const [removed] = await tx
          .delete(addresses)
          .where(and(eq(addresses.id, id), eq(addresses.userId, userId)))
          .returning();
        if (!removed) return false;
        if (removed.isDefault) {
          const [next] = await tx
            .select({ id: addresses.id })
            .from(addresses)
            .where(and(eq(addresses.userId, userId), ne(addresses.id, id)))
            .orderBy(asc(addresses.createdAt), asc(addresses.id))
            .limit(1);
          if (next) {
            await tx.update(addresses).set({ isDefault: true }).where(eq(addresses.id, next.id));
          }
        }
        return true;
      });
    },

    /** Starts a session (its family's first refresh token), with the client that signed in. */
    async insertRefreshToken(token: {
      id: string;
      userId: string;
      familyId: string;
      tokenHash: string;
      ttlSeconds: number;
      client?: SessionClient | undefined;
    }): Promise<void> {
      const { ttlSeconds, client, ...values } = token;
      await withTransaction(db, async (tx) => {
        await tx.insert(sessions).values({
          id: values.familyId,
          userId: values.userId,
          userAgent: client?.userAgent ?? null,
          ip: client?.ip ?? null,
        });
        await tx
          .insert(refreshTokens)
          .values({ ...values, expiresAt: sql`now() + make_interval(secs => ${ttlSeconds})` });
      });
    },

    /**
     * Claims the presented token and issues its successor in the same family, atomically. A token
     * that was already used is reuse: the whole family is revoked. Rotation and revocation of one
     * family are serialised by an advisory lock, so a successor issued concurrently with a reuse
     * is revoked too, and of two concurrent claims of one token exactly one wins.
     */
    async rotateRefreshToken(options: {
      presentedHash: string;
      next: { id: string; tokenHash: string; ttlSeconds: number };
      client?: SessionClient | undefined;
    }): Promise<RotateOutcome> {
      const { presentedHash, next, client } = options;
      return withTransaction(db, async (tx): Promise<RotateOutcome> => {
        const found = await findTokenByHash(tx, presentedHash);
        if (!found) return { status: 'invalid' };
        await lockFamily(tx, found.familyId);
        const [claimed] = await tx
          .update(refreshTokens)
          .set({ usedAt: sql`now()` })
          .where(
            and(
              eq(refreshTokens.tokenHash, presentedHash),
              isNull(refreshTokens.usedAt),
              isNull(refreshTokens.revokedAt),
              sql`${refreshTokens.expiresAt} > now()`,
            ),
          )
          .returning({ userId: refreshTokens.userId, familyId: refreshTokens.familyId });
        if (claimed) {
          await tx.insert(refreshTokens).values({
            id: next.id,
            userId: claimed.userId,
            familyId: claimed.familyId,
            tokenHash: next.tokenHash,
            expiresAt: sql`now() + make_interval(secs => ${next.ttlSeconds})`,
          });
          await tx
            .update(sessions)
            .set({
              lastUsedAt: sql`now()`,
              ...(client?.ip ? { ip: client.ip } : {}),
              ...(client?.userAgent ? { userAgent: client.userAgent } : {}),
            })
            .where(eq(sessions.id, claimed.familyId));
          return { status: 'rotated', userId: claimed.userId };
        }
        const current = await findTokenByHash(tx, presentedHash);
        if (current?.usedAt) {
          await revokeFamily(tx, current.familyId);
          return { status: 'reused' };
        }
        return { status: 'invalid' };
      });
    },

    /** Revokes the family of the presented token; false when the token is unknown. */
    async revokeFamilyOf(presentedHash: string): Promise<boolean> {
      return withTransaction(db, async (tx) => {
        const found = await findTokenByHash(tx, presentedHash);
        if (!found) return false;
        await lockFamily(tx, found.familyId);
        await revokeFamily(tx, found.familyId);
        return true;
      });
    },
  };
}

export type UserRepo = ReturnType<typeof createUserRepo>;
