import { boolean, index, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** The Postgres schema this subgraph owns; migrations live in `../migrations`. */
export const userSchema = pgSchema('user');

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = userSchema.table(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    name: text('name').notNull(),
    roles: text('roles').array().notNull().$type<Array<'CUSTOMER' | 'ADMIN'>>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    disabledAt: timestamptz('disabled_at'),
    /** False for accounts created by a provider sign-in (their password hash is random). */
    passwordSet: boolean('password_set').notNull().default(true),
    emailVerifiedAt: timestamptz('email_verified_at'),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    index('users_created_at_id_idx').on(t.createdAt, t.id),
  ],
);

export const addresses = userSchema.table(
  'addresses',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    fullName: text('full_name').notNull(),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    region: text('region'),
    postalCode: text('postal_code').notNull(),
    countryCode: text('country_code').notNull(),
    phone: text('phone'),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('addresses_user_id_created_at_idx').on(t.userId, t.createdAt)],
);

export const refreshTokens = userSchema.table(
  'refresh_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    revokedAt: timestamptz('revoked_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_token_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_id_idx').on(t.familyId),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type AddressRow = typeof addresses.$inferSelect;
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

/** Single-use tokens sent by email (password reset, email verification), stored hashed. */
export const accountTokens = userSchema.table(
  'account_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose').notNull().$type<'password_reset' | 'email_verification'>(),
    tokenHash: text('token_hash').notNull(),
    email: text('email').notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('account_tokens_token_hash_key').on(t.tokenHash)],
);

/** Sessions: one per refresh-token family (`id` = the family id). */
export const sessions = userSchema.table(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [index('sessions_user_id_idx').on(t.userId, t.createdAt)],
);

export type AccountTokenRow = typeof accountTokens.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
