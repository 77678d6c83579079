import { z } from 'zod';
import { defineEvent } from './contract';
import { id } from './fields';
import { TOPICS } from './topics';

const user = { version: 1, topic: TOPICS.user, producer: 'user', key: 'userId' } as const;

/**
 * An email the account must receive: where to (`email`), the single-use `token` and the `link`
 * holding it, and when it expires. The token travels only to the notification subgraph's email
 * outbox; the user subgraph stores its hash, and nothing logs it.
 */
const accountEmail = z.object({
  userId: id,
  email: z.string().min(3),
  token: z.string().min(32),
  link: z.string().min(1),
  expiresAt: z.iso.datetime({ offset: true }),
});

export const USER_EVENTS = [
  defineEvent({
    ...user,
    type: 'user.password_reset_requested',
    data: accountEmail,
    note: 'email with a password-reset token (30 min, single use) to the account address',
  }),
  defineEvent({
    ...user,
    type: 'user.email_verification_requested',
    data: accountEmail,
    note: 'email with a verification token to `email` (after registration, or the new address of `changeEmail`)',
  }),
] as const;
