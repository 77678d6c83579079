import { createHash, randomBytes, randomUUID } from 'node:crypto';
import * as client from 'openid-client';
import { normalizeEmail } from '@shop/auth';
import { log } from '@shop/log';
import { hashPassword } from '../passwords';
import type { SessionClient, UserRepo } from '../repo';
import type { User } from '../service';
import type { UserRow } from '../tables';
import type { IssuedTokens, TokenService } from '../tokens';
import type { ProviderConfig } from './config';
import { oidcFail, ProviderError, type OidcFailure } from './errors';
import { createProviderClient, type ProviderClient, type ProviderProfile } from './provider-client';
import type { OidcRepo } from './repo';
import type { IdentityRow } from './tables';

/** How long a started flow can be completed (the person is at the provider meanwhile). */
export const FLOW_TTL_SECONDS = 10 * 60;
const NAME_MAX_LENGTH = 100;

/** The query parameters of the provider's redirect back to the shop. */
export interface RedirectInput {
  code: string;
  state: string;
  /** RFC 9207 `iss`, when the provider sent one. */
  iss?: string | null | undefined;
}

export type OidcResult<T> = ({ ok: true } & T) | OidcFailure;

/** A linked provider account as shown in `User.identities`. */
export type Identity = Pick<
  IdentityRow,
  'provider' | 'subject' | 'email' | 'emailVerified' | 'createdAt' | 'lastUsedAt'
>;

const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');
const toUser = ({ passwordHash: _hash, updatedAt: _updated, ...user }: UserRow): User => user;
const toIdentity = ({ id: _id, userId: _userId, ...identity }: IdentityRow): Identity => identity;

/** A display name from the provider's claims, else the email's local part. */
function displayName(profile: ProviderProfile, email: string): string {
  const name = (profile.name ?? '').trim() || email.split('@')[0]!;
  return [...name].slice(0, NAME_MAX_LENGTH).join('');
}

/**
 * Sign-in and account linking with OpenID Connect providers and GitHub (authorization code flow
 * with PKCE, `state` and `nonce` kept in Postgres, single use). Expected failures are returned
 * as `OidcFailure`s; provider errors are logged by code only (never tokens or codes).
 */
export function createOidcService(options: {
  providers: ProviderConfig[];
  oidcRepo: OidcRepo;
  userRepo: UserRepo;
  tokens: TokenService;
}) {
  const { oidcRepo, userRepo, tokens } = options;
  const clients = new Map<string, ProviderClient>(
    options.providers.map((provider) => [provider.id, createProviderClient(provider)]),
  );

  const providerOf = (id: string): OidcResult<{ provider: ProviderClient }> => {
    const provider = clients.get(id);
    return provider
      ? { ok: true, provider }
      : oidcFail(
          'OIDC_PROVIDER_UNKNOWN',
          `No sign-in provider "${id.slice(0, 40)}" is configured`,
          ['input', 'provider'],
        );
  };

  const signIn = async (
    user: UserRow,
    device?: SessionClient,
  ): Promise<{ user: User; tokens: IssuedTokens }> => {
    const [access, refreshToken] = await Promise.all([
      tokens.signAccessToken(user),
      tokens.startFamily(user.id, device),
    ]);
    return { user: toUser(user), tokens: { ...access, refreshToken } };
  };

  /** Takes the flow of `state` and asks its provider who signed in. */
  const finishFlow = async (
    input: RedirectInput,
    linkUserId: string | null,
  ): Promise<OidcResult<{ provider: ProviderClient; profile: ProviderProfile }>> => {
    const flow = input.state ? await oidcRepo.takeFlow(hashState(input.state)) : undefined;
    if (!flow || flow.linkUserId !== linkUserId) {
      return oidcFail(
        'OIDC_STATE_INVALID',
        'This sign-in is unknown, expired, already completed or was started by someone else',
        ['input', 'state'],
      );
    }
    const found = providerOf(flow.provider);
    if (!found.ok) return found;
    try {
      const profile = await found.provider.exchange(input, {
        state: input.state,
        nonce: flow.nonce,
        codeVerifier: flow.codeVerifier,
      });
      return { ok: true, provider: found.provider, profile };
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      log.warn(`[user] sign-in with "${flow.provider}" failed: ${error.failure.code}`);
      return error.failure;
    }
  };

  /** The account a verified provider email belongs to, or a new one (password-less). */
  const accountForNewIdentity = async (
    providerId: string,
    profile: ProviderProfile,
  ): Promise<OidcResult<{ user: UserRow }>> => {
    if (!profile.email || !profile.emailVerified) {
      return oidcFail(
        'OIDC_EMAIL_NOT_VERIFIED',
        'The provider did not confirm a verified email; sign in another way and link this provider',
      );
    }
    const email = normalizeEmail(profile.email);
    const identity = {
      id: randomUUID(),
      provider: providerId,
      subject: profile.subject,
      email,
      emailVerified: true,
    };
    // Two attempts: a concurrent sign-in may create the account between lookup and insert.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const existing = await userRepo.findUserByEmail(email);
      if (existing) {
        if (!(await oidcRepo.insertIdentity({ ...identity, userId: existing.id }))) {
          return oidcFail(
            'OIDC_IDENTITY_TAKEN',
            'The account with this email already has another account of this provider linked',
          );
        }
        return { ok: true, user: existing };
      }
      const userId = randomUUID();
      const created = await oidcRepo.insertUserWithIdentity(
        {
          id: userId,
          email,
          passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
          name: displayName(profile, email),
        },
        { ...identity, userId },
      );
      if (created) return { ok: true, user: created };
    }
    return oidcFail('OIDC_IDENTITY_TAKEN', 'This provider account is being linked concurrently');
  };

  return {
    /** The configured providers, in configuration order. */
    providers: () =>
      [...clients.values()].map(({ config }) => ({
        id: config.id,
        name: config.name ?? config.id,
        type: config.type,
      })),

    /**
     * Starts a flow: stores state, nonce and PKCE verifier, and returns the provider's
     * authorization URL. `linkUserId` marks a flow that links the provider to that signed-in user.
     */
    async start(input: {
      provider: string;
      linkUserId?: string | null;
    }): Promise<OidcResult<{ authorizationUrl: string; state: string; expiresAt: Date }>> {
      const found = providerOf(input.provider);
      if (!found.ok) return found;
      const secrets = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      let url: URL;
      try {
        url = await found.provider.authorizationUrl(secrets);
      } catch (error) {
        if (!(error instanceof ProviderError)) throw error;
        log.warn(`[user] sign-in with "${input.provider}" failed: ${error.failure.code}`);
        return error.failure;
      }
      const expiresAt = await oidcRepo.insertFlow({
        stateHash: hashState(secrets.state),
        provider: input.provider,
        codeVerifier: secrets.codeVerifier,
        nonce: secrets.nonce,
        linkUserId: input.linkUserId ?? null,
        ttlSeconds: FLOW_TTL_SECONDS,
      });
      return { ok: true, authorizationUrl: url.href, state: secrets.state, expiresAt };
    },

    /** Completes a sign-in flow: ShopGraph tokens for the identity's (possibly new) account. */
    async completeSignIn(
      input: RedirectInput,
      device?: SessionClient,
    ): Promise<OidcResult<{ user: User; tokens: IssuedTokens }>> {
      const finished = await finishFlow(input, null);
      if (!finished.ok) return finished;
      const { provider, profile } = finished;
      const providerId = provider.config.id;
      const identity = await oidcRepo.findIdentity(providerId, profile.subject);
      let user: UserRow | undefined;
      if (identity) {
        await oidcRepo.touchIdentity(identity.id, {
          email: profile.email && normalizeEmail(profile.email),
          emailVerified: profile.emailVerified,
        });
        user = await userRepo.findUserById(identity.userId);
      } else {
        const account = await accountForNewIdentity(providerId, profile);
        if (!account.ok) return account;
        user = account.user;
      }
      if (!user || user.disabledAt) {
        return oidcFail('INVALID_CREDENTIALS', 'This account cannot sign in');
      }
      return { ok: true, ...(await signIn(user, device)) };
    },

    /** Completes a link flow started by `userId`: the provider account joins that user. */
    async completeLink(
      userId: string,
      input: RedirectInput,
    ): Promise<OidcResult<{ identity: Identity }>> {
      const finished = await finishFlow(input, userId);
      if (!finished.ok) return finished;
      const { provider, profile } = finished;
      const providerId = provider.config.id;
      const existing = await oidcRepo.findIdentity(providerId, profile.subject);
      if (existing && existing.userId !== userId) {
        return oidcFail(
          'OIDC_IDENTITY_TAKEN',
          'This provider account is linked to another account',
        );
      }
      const email = profile.email && normalizeEmail(profile.email);
      if (!existing) {
        const inserted = await oidcRepo.insertIdentity({
          id: randomUUID(),
          userId,
          provider: providerId,
          subject: profile.subject,
          email,
          emailVerified: profile.emailVerified,
        });
        if (!inserted) {
          return oidcFail(
            'OIDC_IDENTITY_TAKEN',
            'Another account of this provider is already linked; unlink it first',
          );
        }
      } else {
        await oidcRepo.touchIdentity(existing.id, { email, emailVerified: profile.emailVerified });
      }
      const linked = await oidcRepo.findIdentity(providerId, profile.subject);
      return { ok: true, identity: toIdentity(linked!) };
    },

    /** Unlinks the user's identity of `provider`, unless it is their last way to sign in. */
    async unlink(userId: string, provider: string): Promise<OidcResult<object>> {
      const outcome = await oidcRepo.unlinkIdentity(userId, provider);
      if (outcome === 'not-found') {
        return oidcFail('OIDC_IDENTITY_NOT_FOUND', 'No identity of this provider is linked', [
          'input',
          'provider',
        ]);
      }
      if (outcome === 'last-method') {
        return oidcFail(
          'OIDC_LAST_SIGN_IN_METHOD',
          'This is the only way to sign in to the account; link another provider first',
          ['input', 'provider'],
        );
      }
      return { ok: true };
    },

    /** The linked identities of some users (one query), by user id. */
    async identitiesOfUsers(userIds: string[]): Promise<Map<string, Identity[]>> {
      const byUser = new Map<string, Identity[]>(userIds.map((id) => [id, []]));
      for (const row of await oidcRepo.identitiesOfUsers(userIds)) {
        byUser.get(row.userId)?.push(toIdentity(row));
      }
      return byUser;
    },
  };
}

export type OidcService = ReturnType<typeof createOidcService>;
