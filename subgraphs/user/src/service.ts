import { randomUUID } from 'node:crypto';
import { normalizeEmail, type Identity, type Role } from '@shop/auth';
import { isUuid } from '@shop/primitives';
import {
  burnPasswordVerification,
  hashPassword,
  passwordWeakness,
  verifyPassword,
} from './passwords';
import type { AddressFields, SessionClient, UserRepo } from './repo';
import type { AddressRow, UserRow } from './tables';
import type { IssuedTokens, TokenService } from './tokens';

export type AccountErrorCode =
  | 'EMAIL_TAKEN'
  | 'INVALID_EMAIL'
  | 'WEAK_PASSWORD'
  | 'INVALID_CREDENTIALS'
  | 'INVALID_REFRESH_TOKEN'
  | 'REFRESH_TOKEN_REUSED'
  | 'INVALID_INPUT'
  | 'ADDRESS_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'INVALID_TOKEN'
  | 'SESSION_NOT_FOUND'
  | 'EMAIL_ALREADY_VERIFIED';

/** An expected failure, shown to the client as an `AccountUserError`. */
export interface AccountFailure {
  ok: false;
  code: AccountErrorCode;
  message: string;
  field?: string[];
}

export type Result<T> = ({ ok: true } & T) | AccountFailure;

/** A user as the rest of the subgraph sees it (never with the password hash). */
export type User = Omit<UserRow, 'passwordHash' | 'updatedAt'>;
export type Address = Omit<AddressRow, 'updatedAt'>;

export interface AddressInput {
  fullName: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  countryCode: string;
  phone?: string | null;
  isDefault?: boolean | null;
}

export const fail = (
  code: AccountErrorCode,
  message: string,
  field?: string[],
): AccountFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

const INVALID_CREDENTIALS = 'Invalid email or password';
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const NAME_MAX_LENGTH = 100;
/** Most ids one `accountStatuses` call may ask about. */
export const MAX_ACCOUNT_STATUS_IDS = 100;

/** A user's email, roles and addresses are visible to themself and to admins only. */
export const canSeePrivate = (viewer: Identity | null, userId: string) =>
  !!viewer && (viewer.userId === userId || viewer.roles.includes('ADMIN'));

export const toUser = ({ passwordHash: _hash, updatedAt: _updated, ...user }: UserRow): User =>
  user;
const toAddress = ({ updatedAt: _updated, ...address }: AddressRow): Address => address;

function validateName(raw: string): Result<{ name: string }> {
  const name = raw.trim();
  if (name.length === 0 || name.length > NAME_MAX_LENGTH) {
    return fail('INVALID_INPUT', `Name must be 1–${NAME_MAX_LENGTH} characters`, ['input', 'name']);
  }
  return { ok: true, name };
}

type AddressRule = { key: keyof AddressFields; required: boolean; max: number; pattern?: RegExp };
const ADDRESS_RULES: AddressRule[] = [
  { key: 'fullName', required: true, max: 200 },
  { key: 'line1', required: true, max: 200 },
  { key: 'line2', required: false, max: 200 },
  { key: 'city', required: true, max: 100 },
  { key: 'region', required: false, max: 100 },
  { key: 'postalCode', required: true, max: 20 },
  { key: 'countryCode', required: true, max: 2, pattern: /^[A-Z]{2}$/ },
  { key: 'phone', required: false, max: 32, pattern: /^\+?[0-9 ()-]{3,31}$/ },
];

/** Trims every field, turns empty optional fields into null, and checks lengths and formats. */
function validateAddress(input: AddressInput): Result<{ fields: AddressFields }> {
  const fields: Record<string, string | null> = {};
  for (const rule of ADDRESS_RULES) {
    const value = (input[rule.key] ?? '').trim();
    const field = ['input', rule.key];
    if (value === '') {
      if (rule.required) return fail('INVALID_INPUT', `${rule.key} is required`, field);
      fields[rule.key] = null;
      continue;
    }
    if (value.length > rule.max) {
      return fail('INVALID_INPUT', `${rule.key} must be at most ${rule.max} characters`, field);
    }
    if (rule.pattern && !rule.pattern.test(value)) {
      const message =
        rule.key === 'countryCode'
          ? 'countryCode must be an ISO 3166-1 alpha-2 code in upper case, e.g. DE'
          : `${rule.key} has an invalid format`;
      return fail('INVALID_INPUT', message, field);
    }
    fields[rule.key] = value;
  }
  return { ok: true, fields: fields as unknown as AddressFields };
}

/**
 * Accounts, sign-in and addresses. Every expected failure is returned as an `AccountFailure`;
 * only bugs and infrastructure failures throw.
 */
export function createAccountService(options: {
  repo: UserRepo;
  tokens: TokenService;
  /** Runs after an account was created (sends its email verification). */
  onRegistered?: (user: UserRow) => Promise<void>;
}) {
  const { repo, tokens } = options;

  const signIn = async (
    user: UserRow,
    client?: SessionClient,
  ): Promise<{ user: User; tokens: IssuedTokens }> => {
    const [access, refreshToken] = await Promise.all([
      tokens.signAccessToken(user),
      tokens.startFamily(user.id, client),
    ]);
    return { user: toUser(user), tokens: { ...access, refreshToken } };
  };

  return {
    async register(
      input: {
        email: string;
        password: string;
        name: string;
      },
      client?: SessionClient,
    ): Promise<Result<{ user: User; tokens: IssuedTokens }>> {
      const email = normalizeEmail(input.email);
      if (email.length > 254 || !EMAIL_PATTERN.test(email)) {
        return fail('INVALID_EMAIL', 'Enter a valid email address', ['input', 'email']);
      }
      const weakness = passwordWeakness(input.password);
      if (weakness) return fail('WEAK_PASSWORD', weakness, ['input', 'password']);
      const name = validateName(input.name);
      if (!name.ok) return name;
      const inserted = await repo.insertUser({
        id: randomUUID(),
        email,
        passwordHash: await hashPassword(input.password),
        name: name.name,
        roles: ['CUSTOMER'],
        createdAt: new Date(),
      });
      if (!inserted.ok) {
        return fail('EMAIL_TAKEN', 'An account with this email already exists', ['input', 'email']);
      }
      await options.onRegistered?.(inserted.user);
      return { ok: true, ...(await signIn(inserted.user, client)) };
    },

    async login(
      input: {
        email: string;
        password: string;
      },
      client?: SessionClient,
    ): Promise<Result<{ user: User; tokens: IssuedTokens }>> {
      const user = await repo.findUserByEmail(normalizeEmail(input.email));
      if (!user) {
        await burnPasswordVerification(input.password);
        return fail('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
      }
      // A disabled account answers like a wrong password, after the same verification.
      const matches = await verifyPassword(user.passwordHash, input.password);
      if (!matches || user.disabledAt) return fail('INVALID_CREDENTIALS', INVALID_CREDENTIALS);
      return { ok: true, ...(await signIn(user, client)) };
    },

    async refresh(
      refreshToken: string,
      client?: SessionClient,
    ): Promise<Result<{ user: User; tokens: IssuedTokens }>> {
      const rotated = await tokens.rotate(refreshToken, client);
      if (!rotated.ok) {
        return rotated.code === 'REFRESH_TOKEN_REUSED'
          ? fail(
              'REFRESH_TOKEN_REUSED',
              'This refresh token was already used; the session has been revoked',
              ['input', 'refreshToken'],
            )
          : fail('INVALID_REFRESH_TOKEN', 'The refresh token is invalid or expired', [
              'input',
              'refreshToken',
            ]);
      }
      const user = await repo.findUserById(rotated.userId);
      if (!user || user.disabledAt) {
        return fail('INVALID_REFRESH_TOKEN', 'The account no longer exists or is disabled', [
          'input',
          'refreshToken',
        ]);
      }
      const access = await tokens.signAccessToken(user);
      return {
        ok: true,
        user: toUser(user),
        tokens: { ...access, refreshToken: rotated.refreshToken },
      };
    },

    async logout(refreshToken: string): Promise<Result<object>> {
      if (!(await tokens.revokeFamily(refreshToken))) {
        return fail('INVALID_REFRESH_TOKEN', 'The refresh token is invalid', [
          'input',
          'refreshToken',
        ]);
      }
      return { ok: true };
    },

    /**
     * Disables an account (ADMIN): no more sign-ins or refreshes, every session revoked; the
     * gateway refuses its access tokens once its status cache expires (≤ 30 s).
     */
    async disableUser(id: string): Promise<Result<{ user: User }>> {
      const row = isUuid(id) ? await repo.disableUser(id) : undefined;
      if (!row) return fail('USER_NOT_FOUND', 'No account has this id', ['input', 'userId']);
      return { ok: true, user: toUser(row) };
    },

    /** For each id, in order: true when the account exists and is not disabled. */
    async accountStatuses(
      ids: string[],
    ): Promise<Result<{ statuses: Array<{ userId: string; active: boolean }> }>> {
      if (ids.length > MAX_ACCOUNT_STATUS_IDS) {
        return fail('INVALID_INPUT', `At most ${MAX_ACCOUNT_STATUS_IDS} ids per call`, ['userIds']);
      }
      const rows = await repo.findAccountStatuses([...new Set(ids.filter(isUuid))]);
      const active = new Set(rows.filter((row) => !row.disabledAt).map((row) => row.id));
      return { ok: true, statuses: ids.map((userId) => ({ userId, active: active.has(userId) })) };
    },

    async userById(id: string): Promise<User | undefined> {
      if (!isUuid(id)) return undefined;
      const row = await repo.findUserById(id);
      return row && toUser(row);
    },

    async usersByIds(ids: string[]): Promise<User[]> {
      return (await repo.findUsersByIds(ids.filter(isUuid))).map(toUser);
    },

    async listUsers(options: {
      limit: number;
      after?: { createdAt: Date; id: string } | undefined;
    }): Promise<User[]> {
      return (await repo.listUsers(options)).map(toUser);
    },

    async updateProfile(
      userId: string,
      input: { name?: string | null },
    ): Promise<Result<{ user: User }>> {
      let row = await repo.findUserById(userId);
      if (input.name !== undefined && input.name !== null) {
        const name = validateName(input.name);
        if (!name.ok) return name;
        row = await repo.updateUserName(userId, name.name);
      }
      if (!row) return fail('INVALID_INPUT', 'The account no longer exists');
      return { ok: true, user: toUser(row) };
    },

    /** The addresses of some users (read with one query), by user id. */
    async addressesOfUsers(userIds: string[]): Promise<Map<string, Address[]>> {
      const byUser = new Map<string, Address[]>(userIds.map((id) => [id, []]));
      for (const row of await repo.listAddressesOfUsers(userIds.filter(isUuid))) {
        byUser.get(row.userId)?.push(toAddress(row));
      }
      return byUser;
    },

    async addresses(userId: string): Promise<Address[]> {
      return (await repo.listAddresses(userId)).map(toAddress);
    },

    async addAddress(userId: string, input: AddressInput): Promise<Result<{ address: Address }>> {
      const valid = validateAddress(input);
      if (!valid.ok) return valid;
      const row = await repo.addAddress({
        id: randomUUID(),
        userId,
        fields: valid.fields,
        makeDefault: input.isDefault === true,
        createdAt: new Date(),
      });
      return { ok: true, address: toAddress(row) };
    },

    async updateAddress(
      userId: string,
      id: string,
      input: AddressInput,
    ): Promise<Result<{ address: Address }>> {
      const valid = validateAddress(input);
      if (!valid.ok) return valid;
      const row = isUuid(id)
        ? await repo.updateAddress({
            id,
            userId,
            fields: valid.fields,
            makeDefault: input.isDefault === true,
          })
        : undefined;
      if (!row) return fail('ADDRESS_NOT_FOUND', 'Address not found', ['id']);
      return { ok: true, address: toAddress(row) };
    },

    async removeAddress(userId: string, id: string): Promise<Result<{ id: string }>> {
      const removed = isUuid(id) && (await repo.removeAddress({ id, userId }));
      if (!removed) return fail('ADDRESS_NOT_FOUND', 'Address not found', ['id']);
      return { ok: true, id };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
export type { Role };
