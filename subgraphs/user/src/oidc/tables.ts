import { boolean, index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { userSchema, users } from '../tables';

const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Provider accounts (OpenID Connect `sub` or GitHub user id) linked to ShopGraph users. */
export const identities = userSchema.table(
  'identities',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    emailVerified: boolean('email_verified').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastUsedAt: timestamptz('last_used_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('identities_provider_subject_key').on(t.provider, t.subject),
    uniqueIndex('identities_user_provider_key').on(t.userId, t.provider),
  ],
);

/** Started authorization-code flows (single use, short-lived), keyed by SHA-256 of `state`. */
export const oidcFlows = userSchema.table(
  'oidc_flows',
  {
    stateHash: text('state_hash').primaryKey(),
    provider: text('provider').notNull(),
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    linkUserId: uuid('link_user_id').references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('oidc_flows_expires_at_idx').on(t.expiresAt)],
);

export type IdentityRow = typeof identities.$inferSelect;
export type OidcFlowRow = typeof oidcFlows.$inferSelect;
