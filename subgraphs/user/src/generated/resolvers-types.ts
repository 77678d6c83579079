import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { UserParent, UserContext } from '../resolvers';
export type Maybe<T> = T | null | undefined;
export type InputMaybe<T> = T | null | undefined;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string };
  String: { input: string; output: string };
  Boolean: { input: boolean; output: boolean };
  Int: { input: number; output: number };
  Float: { input: number; output: number };
  /** An ISO-8601 timestamp in UTC, e.g. 2026-01-31T12:00:00.000Z. */
  DateTime: { input: Date; output: Date | string };
  _FieldSet: { input: unknown; output: unknown };
};

/** Why an account operation did not succeed. */
export type AccountErrorCode =
  /** No address with this id belongs to the caller. */
  | 'ADDRESS_NOT_FOUND'
  /** The email of the account is already verified. */
  | 'EMAIL_ALREADY_VERIFIED'
  /** Another account already uses this email. */
  | 'EMAIL_TAKEN'
  /** The email and password do not match an account. */
  | 'INVALID_CREDENTIALS'
  /** The email address is malformed. */
  | 'INVALID_EMAIL'
  /** A field is missing, too long or malformed; see `field`. */
  | 'INVALID_INPUT'
  /** The refresh token is unknown, expired or revoked. */
  | 'INVALID_REFRESH_TOKEN'
  /** The password-reset or email-verification token is unknown, expired or already used. */
  | 'INVALID_TOKEN'
  /**
   * The provider refused the authorization code: expired, already used, or not issued for this
   * flow (PKCE verifier or redirect URI mismatch).
   */
  | 'OIDC_CODE_REJECTED'
  /**
   * The provider did not mark the identity's email as verified (or gave none): it neither joins
   * an existing account nor creates one. Sign in another way and link the provider instead.
   */
  | 'OIDC_EMAIL_NOT_VERIFIED'
  /** The signed-in user has no identity of this provider linked. */
  | 'OIDC_IDENTITY_NOT_FOUND'
  /**
   * The provider account is linked to another ShopGraph account, or this account already has a
   * different account of the same provider linked.
   */
  | 'OIDC_IDENTITY_TAKEN'
  /** Unlinking would leave the account without a way to sign in (no password, no other provider). */
  | 'OIDC_LAST_SIGN_IN_METHOD'
  /** The ID token's `nonce` is not the one this flow sent to the provider. */
  | 'OIDC_NONCE_MISMATCH'
  /** The provider could not be reached or failed (down, timed out, 5xx); try again later. */
  | 'OIDC_PROVIDER_UNAVAILABLE'
  /** No sign-in provider with this id is configured (see `oidcProviders`). */
  | 'OIDC_PROVIDER_UNKNOWN'
  /**
   * The `state` is unknown, expired (10 minutes), already completed, or belongs to a flow of
   * another kind (sign-in vs. link) or of another user.
   */
  | 'OIDC_STATE_INVALID'
  /** The provider's ID token has expired. */
  | 'OIDC_TOKEN_EXPIRED'
  /**
   * The provider's ID token failed verification (signature, issuer, audience) or its answer was
   * unusable.
   */
  | 'OIDC_TOKEN_INVALID'
  /** The refresh token was already used; its whole session has been revoked. */
  | 'REFRESH_TOKEN_REUSED'
  /** No active session with this id belongs to the caller. */
  | 'SESSION_NOT_FOUND'
  /** No account has this id. */
  | 'USER_NOT_FOUND'
  /** The password is shorter than 10 or longer than 128 characters, or uses only one character class. */
  | 'WEAK_PASSWORD';

/** Whether an account may still act (for the gateway's access-token check). */
export type AccountStatus = {
  __typename?: 'AccountStatus';
  /** True when the account exists and is not disabled. */
  active: Scalars['Boolean']['output'];
  /** The account's id, as asked. */
  userId: Scalars['ID']['output'];
};

/** An expected failure of an account mutation. */
export type AccountUserError = {
  __typename?: 'AccountUserError';
  /** Machine-readable reason. */
  code: AccountErrorCode;
  /** Path to the offending argument or input field, e.g. ["input", "email"]. */
  field?: Maybe<Array<Scalars['String']['output']>>;
  /** Human-readable explanation. */
  message: Scalars['String']['output'];
};

/** A saved postal address of a user. */
export type Address = {
  __typename?: 'Address';
  /** City or town. */
  city: Scalars['String']['output'];
  /** ISO 3166-1 alpha-2 country code in upper case, e.g. DE. */
  countryCode: Scalars['String']['output'];
  /** Recipient's full name. */
  fullName: Scalars['String']['output'];
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /** True for the user's default address; a user with addresses has exactly one. */
  isDefault: Scalars['Boolean']['output'];
  /** Street and number. */
  line1: Scalars['String']['output'];
  /** Apartment, suite, c/o… */
  line2?: Maybe<Scalars['String']['output']>;
  /** Contact phone number for delivery. */
  phone?: Maybe<Scalars['String']['output']>;
  /** Postal or ZIP code. */
  postalCode: Scalars['String']['output'];
  /** State, province or region, where the country uses one. */
  region?: Maybe<Scalars['String']['output']>;
};

/** A postal address to save or replace. */
export type AddressInput = {
  /** City or town (max 100 characters). */
  city: Scalars['String']['input'];
  /** ISO 3166-1 alpha-2 country code, two upper-case letters, e.g. DE. */
  countryCode: Scalars['String']['input'];
  /** Recipient's full name (max 200 characters). */
  fullName: Scalars['String']['input'];
  /**
   * True makes this the default address (the previous default is unset). The first address is
   * always the default; false or omitted never unsets the current default.
   */
  isDefault?: InputMaybe<Scalars['Boolean']['input']>;
  /** Street and number (max 200 characters). */
  line1: Scalars['String']['input'];
  /** Apartment, suite, c/o… (max 200 characters). */
  line2?: InputMaybe<Scalars['String']['input']>;
  /** Contact phone number: digits, spaces, parentheses, dashes and an optional leading +. */
  phone?: InputMaybe<Scalars['String']['input']>;
  /** Postal or ZIP code (max 20 characters). */
  postalCode: Scalars['String']['input'];
  /** State, province or region (max 100 characters). */
  region?: InputMaybe<Scalars['String']['input']>;
};

/** Result of `addAddress` and `updateAddress`. */
export type AddressPayload = {
  __typename?: 'AddressPayload';
  /** The saved address, or null on failure. */
  address?: Maybe<Address>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Result of `register`, `login` and `refreshToken`: tokens on success, `userErrors` otherwise. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Bearer access token (a JWT), valid for 15 minutes. */
  accessToken?: Maybe<Scalars['String']['output']>;
  /** When `accessToken` expires. */
  accessTokenExpiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Opaque refresh token, valid once for 30 days; exchange it with `refreshToken`. */
  refreshToken?: Maybe<Scalars['String']['output']>;
  /** The signed-in user, or null on failure. */
  user?: Maybe<User>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `changeEmail`. */
export type ChangeEmailInput = {
  /** The account's current password. */
  currentPassword: Scalars['String']['input'];
  /** The new sign-in email; it replaces the current one once verified. */
  newEmail: Scalars['String']['input'];
};

/**
 * Input of `completeOidcSignIn` and `completeOidcLink`: the query parameters of the provider's
 * redirect.
 */
export type CompleteOidcSignInInput = {
  /** The authorization code. */
  code: Scalars['String']['input'];
  /**
   * The redirect's `iss` parameter (RFC 9207), when the provider sent one; checked against the
   * provider's issuer.
   */
  iss?: InputMaybe<Scalars['String']['input']>;
  /** The state returned by the start mutation (echoed by the provider). */
  state: Scalars['String']['input'];
};

/** Input of `disableUser`. */
export type DisableUserInput = {
  /** Id of the account to disable. */
  userId: Scalars['ID']['input'];
};

/** Result of `disableUser`. */
export type DisableUserPayload = {
  __typename?: 'DisableUserPayload';
  /** The disabled account (with `disabledAt` set), or null on failure. */
  user?: Maybe<User>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Result of `verifyEmail`, `changeEmail` and `resendEmailVerification`. */
export type EmailVerificationPayload = {
  __typename?: 'EmailVerificationPayload';
  /** The account, or null on failure. */
  user?: Maybe<User>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
  /**
   * The address a verification email was sent to (`changeEmail`, `resendEmailVerification`);
   * null otherwise.
   */
  verificationSentTo?: Maybe<Scalars['String']['output']>;
};

/** Result of `completeOidcLink`. */
export type LinkOidcIdentityPayload = {
  __typename?: 'LinkOidcIdentityPayload';
  /** The linked identity; null on failure. */
  identity?: Maybe<UserIdentity>;
  /** Why linking failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `login`. */
export type LoginInput = {
  /** Sign-in email (case-insensitive). */
  email: Scalars['String']['input'];
  /** The account's password. */
  password: Scalars['String']['input'];
};

/** Input of `logout`. */
export type LogoutInput = {
  /** The current refresh token; its whole session (token family) is revoked. */
  refreshToken: Scalars['String']['input'];
};

/** Result of `logout`. */
export type LogoutPayload = {
  __typename?: 'LogoutPayload';
  /** True when the session was revoked. */
  success: Scalars['Boolean']['output'];
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Saves a new address for the signed-in user. */
  addAddress?: Maybe<AddressPayload>;
  /**
   * Sends a verification link to a new email; the account's email changes once the link is used.
   * Requires the current password.
   */
  changeEmail?: Maybe<EmailVerificationPayload>;
  /** Completes linking a provider to the signed-in user who started it. */
  completeOidcLink?: Maybe<LinkOidcIdentityPayload>;
  /**
   * Completes a provider sign-in: the same tokens as `login`. A known identity signs in its
   * account; a new one joins the account with the same email only when the provider marks the
   * email verified, or else creates an account (verified emails only).
   */
  completeOidcSignIn?: Maybe<AuthPayload>;
  /**
   * Disables an account at once: it can no longer sign in or refresh its tokens (every session is
   * revoked), and the gateway refuses its access tokens within 30 seconds. ADMIN only.
   */
  disableUser?: Maybe<DisableUserPayload>;
  /** Signs in with email and password, starting a new session. */
  login?: Maybe<AuthPayload>;
  /** Ends the session of a refresh token (all tokens rotated from the same sign-in). */
  logout?: Maybe<LogoutPayload>;
  /** Ends every session of the signed-in user, including the current one. */
  logoutEverywhere?: Maybe<RevokeSessionsPayload>;
  /**
   * Exchanges a refresh token for a new access token and a new refresh token (rotation). Presenting
   * an already-used refresh token revokes the whole session.
   */
  refreshToken?: Maybe<AuthPayload>;
  /**
   * Creates a CUSTOMER account and signs it in. An email that already has an account answers
   * `EMAIL_TAKEN` (like Shopify's and Saleor's storefront APIs); the gateway counts every call
   * against tight per-IP budgets (README "Sign-in and account limits").
   */
  register?: Maybe<AuthPayload>;
  /**
   * Deletes one of the signed-in user's addresses; if it was the default, the oldest remaining
   * address becomes the default.
   */
  removeAddress?: Maybe<RemoveAddressPayload>;
  /**
   * Sends a single-use password-reset link (valid 30 minutes) to the account with this email. The
   * answer is the same, in about the same time, whether or not such an account exists. Counted
   * against the sign-in budgets like `login`.
   */
  requestPasswordReset?: Maybe<RequestPasswordResetPayload>;
  /** Sends a new verification link for the signed-in account's unverified email. */
  resendEmailVerification?: Maybe<EmailVerificationPayload>;
  /**
   * Sets a new password with the token of a reset email, consumes the token and ends every session
   * of the account (its refresh tokens stop working). Counted against the sign-in budgets.
   */
  resetPassword?: Maybe<ResetPasswordPayload>;
  /**
   * Ends one of the signed-in user's sessions: its refresh token stops working at once (access
   * tokens already issued expire within 15 minutes).
   */
  revokeSession?: Maybe<RevokeSessionsPayload>;
  /** Starts linking a provider to the signed-in user (complete with `completeOidcLink`). */
  startOidcLink?: Maybe<StartOidcSignInPayload>;
  /**
   * Starts a sign-in with an OpenID Connect provider or GitHub (authorization code flow with PKCE):
   * send the browser to `authorizationUrl`; the provider redirects it to the provider's configured
   * redirect URI with `code` and `state`, which go to `completeOidcSignIn` within 10 minutes.
   */
  startOidcSignIn?: Maybe<StartOidcSignInPayload>;
  /**
   * Unlinks a provider from the signed-in user; refused when it is the account's last way to sign
   * in (a password counts as one).
   */
  unlinkOidcIdentity?: Maybe<UnlinkOidcIdentityPayload>;
  /** Replaces one of the signed-in user's addresses. */
  updateAddress?: Maybe<AddressPayload>;
  /** Changes the signed-in user's profile. */
  updateProfile?: Maybe<UpdateProfilePayload>;
  /**
   * Verifies an email with the token of a verification email; for a `changeEmail` token, the new
   * address becomes the sign-in email.
   */
  verifyEmail?: Maybe<EmailVerificationPayload>;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationAddAddressArgs = {
  input: AddressInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationChangeEmailArgs = {
  input: ChangeEmailInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationCompleteOidcLinkArgs = {
  input: CompleteOidcSignInInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationCompleteOidcSignInArgs = {
  input: CompleteOidcSignInInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationDisableUserArgs = {
  input: DisableUserInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationLoginArgs = {
  input: LoginInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationLogoutArgs = {
  input: LogoutInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationRefreshTokenArgs = {
  input: RefreshTokenInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationRegisterArgs = {
  input: RegisterInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationRemoveAddressArgs = {
  id: Scalars['ID']['input'];
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationRequestPasswordResetArgs = {
  input: RequestPasswordResetInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationResetPasswordArgs = {
  input: ResetPasswordInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationRevokeSessionArgs = {
  input: RevokeSessionInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationStartOidcLinkArgs = {
  input: StartOidcSignInInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationStartOidcSignInArgs = {
  input: StartOidcSignInInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationUnlinkOidcIdentityArgs = {
  input: UnlinkOidcIdentityInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationUpdateAddressArgs = {
  id: Scalars['ID']['input'];
  input: AddressInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

/** Account mutations. Those acting on the caller's own account require a signed-in user. */
export type MutationVerifyEmailArgs = {
  input: VerifyEmailInput;
};

/** A sign-in provider (OpenID Connect or GitHub OAuth2) configured for this shop. */
export type OidcProvider = {
  __typename?: 'OidcProvider';
  /** Id to pass as `provider`, e.g. "google" or "github". */
  id: Scalars['String']['output'];
  /** Name to show on a sign-in button. */
  name: Scalars['String']['output'];
};

/** Relay pagination state of a connection. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge, or null when the page is empty; pass it as `after` for the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** True when more items follow the last edge. */
  hasNextPage: Scalars['Boolean']['output'];
  /** True when items precede the first edge. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge, or null when the page is empty. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Account queries. */
export type Query = {
  __typename?: 'Query';
  /**
   * Whether each account exists and is not disabled, in the order asked (at most 100 ids). Only
   * for the gateway, which refuses the access tokens of inactive accounts. SERVICE only; null when
   * the user service cannot answer.
   */
  accountStatuses?: Maybe<Array<AccountStatus>>;
  /** The signed-in user, or null for anonymous callers. */
  me?: Maybe<User>;
  /**
   * The sign-in providers this shop offers (OpenID Connect and GitHub), in configuration order.
   * Null (with an error) when the user service cannot answer.
   */
  oidcProviders?: Maybe<Array<OidcProvider>>;
  /**
   * All accounts, oldest first. ADMIN only. Null (with an error) when the user service cannot
   * answer.
   */
  users?: Maybe<UserConnection>;
};

/** Account queries. */
export type QueryAccountStatusesArgs = {
  userIds: Array<Scalars['ID']['input']>;
};

/** Account queries. */
export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Input of `refreshToken`. */
export type RefreshTokenInput = {
  /** The refresh token from the last sign-in or refresh; it is valid exactly once. */
  refreshToken: Scalars['String']['input'];
};

/** Input of `register`. */
export type RegisterInput = {
  /** Sign-in email; stored in lower case and unique. */
  email: Scalars['String']['input'];
  /** Display name, 1–100 characters. */
  name: Scalars['String']['input'];
  /** 10–128 characters mixing at least two of: lower case, upper case, digits, symbols. */
  password: Scalars['String']['input'];
};

/** Result of `removeAddress`. */
export type RemoveAddressPayload = {
  __typename?: 'RemoveAddressPayload';
  /** Id of the removed address, or null on failure. */
  removedAddressId?: Maybe<Scalars['ID']['output']>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `requestPasswordReset`. */
export type RequestPasswordResetInput = {
  /** The account's sign-in email (case-insensitive). */
  email: Scalars['String']['input'];
};

/** Result of `requestPasswordReset`: the same whether or not an account has the email. */
export type RequestPasswordResetPayload = {
  __typename?: 'RequestPasswordResetPayload';
  /**
   * Always true when `userErrors` is empty: if an account has this email, a reset link is on its
   * way.
   */
  accepted: Scalars['Boolean']['output'];
  /** Why the request was refused (a malformed email); empty otherwise. */
  userErrors: Array<AccountUserError>;
};

/** Input of `resetPassword`. */
export type ResetPasswordInput = {
  /**
   * The new password: 10–128 characters mixing at least two of: lower case, upper case, digits,
   * symbols.
   */
  newPassword: Scalars['String']['input'];
  /** The token from the password-reset email. */
  token: Scalars['String']['input'];
};

/** Result of `resetPassword`. */
export type ResetPasswordPayload = {
  __typename?: 'ResetPasswordPayload';
  /** True when the password was changed (and every session of the account ended). */
  success: Scalars['Boolean']['output'];
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `revokeSession`. */
export type RevokeSessionInput = {
  /** Id of one of the caller's sessions (`me { sessions { id } }`). */
  sessionId: Scalars['ID']['input'];
};

/** Result of `revokeSession` and `logoutEverywhere`. */
export type RevokeSessionsPayload = {
  __typename?: 'RevokeSessionsPayload';
  /** How many sessions were ended. */
  revokedCount: Scalars['Int']['output'];
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** What a user may do in the shop. */
export type Role =
  /** A shop administrator: may read every account and manage the catalogue. */
  | 'ADMIN'
  /** A shopper: may manage their own account, cart and orders. */
  | 'CUSTOMER';

/**
 * A signed-in device: one refresh-token family, from a sign-in until it is revoked or unused for
 * 30 days.
 */
export type Session = {
  __typename?: 'Session';
  /** When the session started (the sign-in). */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier (a UUID); pass it to `revokeSession`. */
  id: Scalars['ID']['output'];
  /** The client's IP address when the session was last used, as the gateway saw it. */
  ip?: Maybe<Scalars['String']['output']>;
  /** When the session was last used (sign-in or refresh). */
  lastUsedAt: Scalars['DateTime']['output'];
  /** The client's User-Agent header when the session was last used, as the gateway saw it. */
  userAgent?: Maybe<Scalars['String']['output']>;
};

/** Input of `startOidcSignIn` and `startOidcLink`. */
export type StartOidcSignInInput = {
  /** Id of a configured provider (see `oidcProviders`). */
  provider: Scalars['String']['input'];
};

/** Result of `startOidcSignIn` and `startOidcLink`. */
export type StartOidcSignInPayload = {
  __typename?: 'StartOidcSignInPayload';
  /** The provider's authorization URL to send the browser to; null on failure. */
  authorizationUrl?: Maybe<Scalars['String']['output']>;
  /** When the flow can no longer be completed. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** The flow's `state` (also inside `authorizationUrl`); single use. */
  state?: Maybe<Scalars['String']['output']>;
  /** Why the flow could not start; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `unlinkOidcIdentity`. */
export type UnlinkOidcIdentityInput = {
  /** Id of the provider to unlink. */
  provider: Scalars['String']['input'];
};

/** Result of `unlinkOidcIdentity`. */
export type UnlinkOidcIdentityPayload = {
  __typename?: 'UnlinkOidcIdentityPayload';
  /** The user after unlinking; null on failure. */
  user?: Maybe<User>;
  /** Why unlinking failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** Input of `updateProfile`; omitted fields stay unchanged. */
export type UpdateProfileInput = {
  /** New display name, 1–100 characters. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/** Result of `updateProfile`. */
export type UpdateProfilePayload = {
  __typename?: 'UpdateProfilePayload';
  /** The updated user, or null on failure. */
  user?: Maybe<User>;
  /** Why the operation failed; empty on success. */
  userErrors: Array<AccountUserError>;
};

/** A registered account. Owned by the user subgraph; other subgraphs reference it by `id`. */
export type User = {
  __typename?: 'User';
  /**
   * Saved postal addresses, oldest first; the default one has `isDefault: true`. Empty unless the
   * caller is this user or an ADMIN (never an error, so that references from other subgraphs
   * resolve cleanly).
   */
  addresses: Array<Address>;
  /** When the account was created. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * When an ADMIN disabled the account (it can no longer sign in, and its tokens are refused);
   * null while it is active. Null unless the caller is this user or an ADMIN.
   */
  disabledAt?: Maybe<Scalars['DateTime']['output']>;
  /** Sign-in email, lower case. Null unless the caller is this user or an ADMIN. */
  email?: Maybe<Scalars['String']['output']>;
  /**
   * True once the account's current email was verified (a link sent by email); unverified accounts
   * can still shop. Null unless the caller is this user or an ADMIN.
   */
  emailVerified?: Maybe<Scalars['Boolean']['output']>;
  /** Stable identifier (a UUID). */
  id: Scalars['ID']['output'];
  /**
   * Provider accounts (OpenID Connect or GitHub) linked for sign-in, oldest first. Empty unless the
   * caller is this user or an ADMIN.
   */
  identities: Array<UserIdentity>;
  /** Display name. */
  name: Scalars['String']['output'];
  /** Roles of the account. Empty unless the caller is this user or an ADMIN. */
  roles: Array<Role>;
  /**
   * The account's active sessions (one per sign-in, kept across refreshes), most recently used
   * first. Empty unless the caller is this user or an ADMIN.
   */
  sessions: Array<Session>;
};

/** A page of users. */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The users of this page with their cursors. */
  edges: Array<UserEdge>;
  /** Where this page sits in the whole list. */
  pageInfo: PageInfo;
};

/** One user in a `UserConnection`. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** Opaque cursor of this edge. */
  cursor: Scalars['String']['output'];
  /** The user. */
  node: User;
};

/** A provider account linked to a user for sign-in. */
export type UserIdentity = {
  __typename?: 'UserIdentity';
  /** When the identity was linked. */
  createdAt: Scalars['DateTime']['output'];
  /** The email the provider reported at the last sign-in, lower case; null when none. */
  email?: Maybe<Scalars['String']['output']>;
  /** Whether the provider marked `email` as verified. */
  emailVerified: Scalars['Boolean']['output'];
  /** When it was last used to sign in or was linked. */
  lastUsedAt: Scalars['DateTime']['output'];
  /** Id of the configured provider. */
  provider: Scalars['String']['output'];
  /** The account's id at the provider (OpenID Connect `sub`, GitHub user id). */
  subject: Scalars['String']['output'];
};

/** Input of `verifyEmail`. */
export type VerifyEmailInput = {
  /** The token from the verification email. */
  token: Scalars['String']['input'];
};

export type WithIndex<TObject> = TObject & Record<string, any>;
export type ResolversObject<TObject> = WithIndex<TObject>;

export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
  reference: TReference,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
type NullableCheck<T, S> =
  Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<
  TResult,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ResolverFn<TResult, TParent, TContext, TArgs>
  | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<
  TResult,
  TKey extends string,
  TParent,
  TContext,
  TArgs,
> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<
  TResult,
  TKey extends string,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<
  TTypes,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo,
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<
  T = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<
  TResult = Record<PropertyKey, never>,
  TParent = Record<PropertyKey, never>,
  TContext = Record<PropertyKey, never>,
  TArgs = Record<PropertyKey, never>,
> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo,
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = ResolversObject<{
  User: User;
}>;

/** Mapping of federation reference types */
export type FederationReferenceTypes = ResolversObject<{
  User: { __typename: 'User' } & GraphQLRecursivePick<FederationTypes['User'], { id: true }>;
}>;

/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = ResolversObject<{
  AccountErrorCode: AccountErrorCode;
  AccountStatus: ResolverTypeWrapper<AccountStatus>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AccountUserError: ResolverTypeWrapper<AccountUserError>;
  Address: ResolverTypeWrapper<Address>;
  AddressInput: AddressInput;
  AddressPayload: ResolverTypeWrapper<AddressPayload>;
  AuthPayload: ResolverTypeWrapper<
    Omit<AuthPayload, 'user'> & { user?: Maybe<ResolversTypes['User']> }
  >;
  ChangeEmailInput: ChangeEmailInput;
  CompleteOidcSignInInput: CompleteOidcSignInInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DisableUserInput: DisableUserInput;
  DisableUserPayload: ResolverTypeWrapper<
    Omit<DisableUserPayload, 'user'> & { user?: Maybe<ResolversTypes['User']> }
  >;
  EmailVerificationPayload: ResolverTypeWrapper<
    Omit<EmailVerificationPayload, 'user'> & { user?: Maybe<ResolversTypes['User']> }
  >;
  LinkOidcIdentityPayload: ResolverTypeWrapper<LinkOidcIdentityPayload>;
  LoginInput: LoginInput;
  LogoutInput: LogoutInput;
  LogoutPayload: ResolverTypeWrapper<LogoutPayload>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OidcProvider: ResolverTypeWrapper<OidcProvider>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  RefreshTokenInput: RefreshTokenInput;
  RegisterInput: RegisterInput;
  RemoveAddressPayload: ResolverTypeWrapper<RemoveAddressPayload>;
  RequestPasswordResetInput: RequestPasswordResetInput;
  RequestPasswordResetPayload: ResolverTypeWrapper<RequestPasswordResetPayload>;
  ResetPasswordInput: ResetPasswordInput;
  ResetPasswordPayload: ResolverTypeWrapper<ResetPasswordPayload>;
  RevokeSessionInput: RevokeSessionInput;
  RevokeSessionsPayload: ResolverTypeWrapper<RevokeSessionsPayload>;
  Role: Role;
  Session: ResolverTypeWrapper<Session>;
  StartOidcSignInInput: StartOidcSignInInput;
  StartOidcSignInPayload: ResolverTypeWrapper<StartOidcSignInPayload>;
  UnlinkOidcIdentityInput: UnlinkOidcIdentityInput;
  UnlinkOidcIdentityPayload: ResolverTypeWrapper<
    Omit<UnlinkOidcIdentityPayload, 'user'> & { user?: Maybe<ResolversTypes['User']> }
  >;
  UpdateProfileInput: UpdateProfileInput;
  UpdateProfilePayload: ResolverTypeWrapper<
    Omit<UpdateProfilePayload, 'user'> & { user?: Maybe<ResolversTypes['User']> }
  >;
  User: ResolverTypeWrapper<UserParent>;
  UserConnection: ResolverTypeWrapper<
    Omit<UserConnection, 'edges'> & { edges: Array<ResolversTypes['UserEdge']> }
  >;
  UserEdge: ResolverTypeWrapper<Omit<UserEdge, 'node'> & { node: ResolversTypes['User'] }>;
  UserIdentity: ResolverTypeWrapper<UserIdentity>;
  VerifyEmailInput: VerifyEmailInput;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
}>;

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = ResolversObject<{
  AccountStatus: AccountStatus;
  ID: Scalars['ID']['output'];
  AccountUserError: AccountUserError;
  Address: Address;
  AddressInput: AddressInput;
  AddressPayload: AddressPayload;
  AuthPayload: Omit<AuthPayload, 'user'> & { user?: Maybe<ResolversParentTypes['User']> };
  ChangeEmailInput: ChangeEmailInput;
  CompleteOidcSignInInput: CompleteOidcSignInInput;
  DateTime: Scalars['DateTime']['output'];
  DisableUserInput: DisableUserInput;
  DisableUserPayload: Omit<DisableUserPayload, 'user'> & {
    user?: Maybe<ResolversParentTypes['User']>;
  };
  EmailVerificationPayload: Omit<EmailVerificationPayload, 'user'> & {
    user?: Maybe<ResolversParentTypes['User']>;
  };
  LinkOidcIdentityPayload: LinkOidcIdentityPayload;
  LoginInput: LoginInput;
  LogoutInput: LogoutInput;
  LogoutPayload: LogoutPayload;
  Mutation: Record<PropertyKey, never>;
  OidcProvider: OidcProvider;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  RefreshTokenInput: RefreshTokenInput;
  RegisterInput: RegisterInput;
  RemoveAddressPayload: RemoveAddressPayload;
  RequestPasswordResetInput: RequestPasswordResetInput;
  RequestPasswordResetPayload: RequestPasswordResetPayload;
  ResetPasswordInput: ResetPasswordInput;
  ResetPasswordPayload: ResetPasswordPayload;
  RevokeSessionInput: RevokeSessionInput;
  RevokeSessionsPayload: RevokeSessionsPayload;
  Session: Session;
  StartOidcSignInInput: StartOidcSignInInput;
  StartOidcSignInPayload: StartOidcSignInPayload;
  UnlinkOidcIdentityInput: UnlinkOidcIdentityInput;
  UnlinkOidcIdentityPayload: Omit<UnlinkOidcIdentityPayload, 'user'> & {
    user?: Maybe<ResolversParentTypes['User']>;
  };
  UpdateProfileInput: UpdateProfileInput;
  UpdateProfilePayload: Omit<UpdateProfilePayload, 'user'> & {
    user?: Maybe<ResolversParentTypes['User']>;
  };
  User: UserParent;
  UserConnection: Omit<UserConnection, 'edges'> & {
    edges: Array<ResolversParentTypes['UserEdge']>;
  };
  UserEdge: Omit<UserEdge, 'node'> & { node: ResolversParentTypes['User'] };
  UserIdentity: UserIdentity;
  VerifyEmailInput: VerifyEmailInput;
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
}>;

export type AuthDirectiveArgs = {
  requires?: Array<Scalars['String']['input']>;
};

export type AuthDirectiveResolver<
  Result,
  Parent,
  ContextType = UserContext,
  Args = AuthDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type PasswordHashingDirectiveArgs = {
  createsAccount?: Scalars['Boolean']['input'];
  email?: Maybe<Scalars['String']['input']>;
};

export type PasswordHashingDirectiveResolver<
  Result,
  Parent,
  ContextType = UserContext,
  Args = PasswordHashingDirectiveArgs,
> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AccountStatusResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['AccountStatus'] = ResolversParentTypes['AccountStatus'],
> = ResolversObject<{
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
}>;

export type AccountUserErrorResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['AccountUserError'] =
    ResolversParentTypes['AccountUserError'],
> = ResolversObject<{
  code?: Resolver<ResolversTypes['AccountErrorCode'], ParentType, ContextType>;
  field?: Resolver<Maybe<Array<ResolversTypes['String']>>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type AddressResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['Address'] = ResolversParentTypes['Address'],
> = ResolversObject<{
  city?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  countryCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fullName?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isDefault?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  line1?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  line2?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  phone?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  postalCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  region?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type AddressPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['AddressPayload'] =
    ResolversParentTypes['AddressPayload'],
> = ResolversObject<{
  address?: Resolver<Maybe<ResolversTypes['Address']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type AuthPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload'],
> = ResolversObject<{
  accessToken?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  accessTokenExpiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  refreshToken?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<
  ResolversTypes['DateTime'],
  any
> {
  name: 'DateTime';
}

export type DisableUserPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['DisableUserPayload'] =
    ResolversParentTypes['DisableUserPayload'],
> = ResolversObject<{
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type EmailVerificationPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['EmailVerificationPayload'] =
    ResolversParentTypes['EmailVerificationPayload'],
> = ResolversObject<{
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
  verificationSentTo?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type LinkOidcIdentityPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['LinkOidcIdentityPayload'] =
    ResolversParentTypes['LinkOidcIdentityPayload'],
> = ResolversObject<{
  identity?: Resolver<Maybe<ResolversTypes['UserIdentity']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type LogoutPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['LogoutPayload'] = ResolversParentTypes['LogoutPayload'],
> = ResolversObject<{
  success?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type MutationResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation'],
> = ResolversObject<{
  addAddress?: Resolver<
    Maybe<ResolversTypes['AddressPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationAddAddressArgs, 'input'>
  >;
  changeEmail?: Resolver<
    Maybe<ResolversTypes['EmailVerificationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationChangeEmailArgs, 'input'>
  >;
  completeOidcLink?: Resolver<
    Maybe<ResolversTypes['LinkOidcIdentityPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCompleteOidcLinkArgs, 'input'>
  >;
  completeOidcSignIn?: Resolver<
    Maybe<ResolversTypes['AuthPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationCompleteOidcSignInArgs, 'input'>
  >;
  disableUser?: Resolver<
    Maybe<ResolversTypes['DisableUserPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationDisableUserArgs, 'input'>
  >;
  login?: Resolver<
    Maybe<ResolversTypes['AuthPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationLoginArgs, 'input'>
  >;
  logout?: Resolver<
    Maybe<ResolversTypes['LogoutPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationLogoutArgs, 'input'>
  >;
  logoutEverywhere?: Resolver<
    Maybe<ResolversTypes['RevokeSessionsPayload']>,
    ParentType,
    ContextType
  >;
  refreshToken?: Resolver<
    Maybe<ResolversTypes['AuthPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRefreshTokenArgs, 'input'>
  >;
  register?: Resolver<
    Maybe<ResolversTypes['AuthPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRegisterArgs, 'input'>
  >;
  removeAddress?: Resolver<
    Maybe<ResolversTypes['RemoveAddressPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRemoveAddressArgs, 'id'>
  >;
  requestPasswordReset?: Resolver<
    Maybe<ResolversTypes['RequestPasswordResetPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRequestPasswordResetArgs, 'input'>
  >;
  resendEmailVerification?: Resolver<
    Maybe<ResolversTypes['EmailVerificationPayload']>,
    ParentType,
    ContextType
  >;
  resetPassword?: Resolver<
    Maybe<ResolversTypes['ResetPasswordPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationResetPasswordArgs, 'input'>
  >;
  revokeSession?: Resolver<
    Maybe<ResolversTypes['RevokeSessionsPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationRevokeSessionArgs, 'input'>
  >;
  startOidcLink?: Resolver<
    Maybe<ResolversTypes['StartOidcSignInPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationStartOidcLinkArgs, 'input'>
  >;
  startOidcSignIn?: Resolver<
    Maybe<ResolversTypes['StartOidcSignInPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationStartOidcSignInArgs, 'input'>
  >;
  unlinkOidcIdentity?: Resolver<
    Maybe<ResolversTypes['UnlinkOidcIdentityPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUnlinkOidcIdentityArgs, 'input'>
  >;
  updateAddress?: Resolver<
    Maybe<ResolversTypes['AddressPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUpdateAddressArgs, 'id' | 'input'>
  >;
  updateProfile?: Resolver<
    Maybe<ResolversTypes['UpdateProfilePayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationUpdateProfileArgs, 'input'>
  >;
  verifyEmail?: Resolver<
    Maybe<ResolversTypes['EmailVerificationPayload']>,
    ParentType,
    ContextType,
    RequireFields<MutationVerifyEmailArgs, 'input'>
  >;
}>;

export type OidcProviderResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['OidcProvider'] = ResolversParentTypes['OidcProvider'],
> = ResolversObject<{
  id?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type PageInfoResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo'],
> = ResolversObject<{
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type QueryResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query'],
> = ResolversObject<{
  accountStatuses?: Resolver<
    Maybe<Array<ResolversTypes['AccountStatus']>>,
    ParentType,
    ContextType,
    RequireFields<QueryAccountStatusesArgs, 'userIds'>
  >;
  me?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  oidcProviders?: Resolver<Maybe<Array<ResolversTypes['OidcProvider']>>, ParentType, ContextType>;
  users?: Resolver<
    Maybe<ResolversTypes['UserConnection']>,
    ParentType,
    ContextType,
    Partial<QueryUsersArgs>
  >;
}>;

export type RemoveAddressPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['RemoveAddressPayload'] =
    ResolversParentTypes['RemoveAddressPayload'],
> = ResolversObject<{
  removedAddressId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type RequestPasswordResetPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['RequestPasswordResetPayload'] =
    ResolversParentTypes['RequestPasswordResetPayload'],
> = ResolversObject<{
  accepted?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type ResetPasswordPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['ResetPasswordPayload'] =
    ResolversParentTypes['ResetPasswordPayload'],
> = ResolversObject<{
  success?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type RevokeSessionsPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['RevokeSessionsPayload'] =
    ResolversParentTypes['RevokeSessionsPayload'],
> = ResolversObject<{
  revokedCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type SessionResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['Session'] = ResolversParentTypes['Session'],
> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  ip?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  lastUsedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  userAgent?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
}>;

export type StartOidcSignInPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['StartOidcSignInPayload'] =
    ResolversParentTypes['StartOidcSignInPayload'],
> = ResolversObject<{
  authorizationUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  expiresAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  state?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type UnlinkOidcIdentityPayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['UnlinkOidcIdentityPayload'] =
    ResolversParentTypes['UnlinkOidcIdentityPayload'],
> = ResolversObject<{
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type UpdateProfilePayloadResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['UpdateProfilePayload'] =
    ResolversParentTypes['UpdateProfilePayload'],
> = ResolversObject<{
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['AccountUserError']>, ParentType, ContextType>;
}>;

export type UserResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'],
  FederationReferenceType extends FederationReferenceTypes['User'] =
    FederationReferenceTypes['User'],
> = ResolversObject<{
  __resolveReference?: ReferenceResolver<
    Maybe<ResolversTypes['User']> | FederationReferenceType,
    FederationReferenceType,
    ContextType
  >;
  addresses?: Resolver<Array<ResolversTypes['Address']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  disabledAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  emailVerified?: Resolver<Maybe<ResolversTypes['Boolean']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  identities?: Resolver<Array<ResolversTypes['UserIdentity']>, ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  roles?: Resolver<Array<ResolversTypes['Role']>, ParentType, ContextType>;
  sessions?: Resolver<Array<ResolversTypes['Session']>, ParentType, ContextType>;
}>;

export type UserConnectionResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['UserConnection'] =
    ResolversParentTypes['UserConnection'],
> = ResolversObject<{
  edges?: Resolver<Array<ResolversTypes['UserEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
}>;

export type UserEdgeResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['UserEdge'] = ResolversParentTypes['UserEdge'],
> = ResolversObject<{
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
}>;

export type UserIdentityResolvers<
  ContextType = UserContext,
  ParentType extends ResolversParentTypes['UserIdentity'] = ResolversParentTypes['UserIdentity'],
> = ResolversObject<{
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  email?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  emailVerified?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  lastUsedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  provider?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  subject?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
}>;

export type Resolvers<ContextType = UserContext> = ResolversObject<{
  AccountStatus?: AccountStatusResolvers<ContextType>;
  AccountUserError?: AccountUserErrorResolvers<ContextType>;
  Address?: AddressResolvers<ContextType>;
  AddressPayload?: AddressPayloadResolvers<ContextType>;
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  DisableUserPayload?: DisableUserPayloadResolvers<ContextType>;
  EmailVerificationPayload?: EmailVerificationPayloadResolvers<ContextType>;
  LinkOidcIdentityPayload?: LinkOidcIdentityPayloadResolvers<ContextType>;
  LogoutPayload?: LogoutPayloadResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  OidcProvider?: OidcProviderResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  RemoveAddressPayload?: RemoveAddressPayloadResolvers<ContextType>;
  RequestPasswordResetPayload?: RequestPasswordResetPayloadResolvers<ContextType>;
  ResetPasswordPayload?: ResetPasswordPayloadResolvers<ContextType>;
  RevokeSessionsPayload?: RevokeSessionsPayloadResolvers<ContextType>;
  Session?: SessionResolvers<ContextType>;
  StartOidcSignInPayload?: StartOidcSignInPayloadResolvers<ContextType>;
  UnlinkOidcIdentityPayload?: UnlinkOidcIdentityPayloadResolvers<ContextType>;
  UpdateProfilePayload?: UpdateProfilePayloadResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserConnection?: UserConnectionResolvers<ContextType>;
  UserEdge?: UserEdgeResolvers<ContextType>;
  UserIdentity?: UserIdentityResolvers<ContextType>;
}>;

export type DirectiveResolvers<ContextType = UserContext> = ResolversObject<{
  auth?: AuthDirectiveResolver<any, any, ContextType>;
  passwordHashing?: PasswordHashingDirectiveResolver<any, any, ContextType>;
}>;
