import * as client from 'openid-client';

/** Why a provider sign-in or link failed; each is a value of the GraphQL `AccountErrorCode`. */
export type OidcErrorCode =
  | 'OIDC_PROVIDER_UNKNOWN'
  | 'OIDC_PROVIDER_UNAVAILABLE'
  | 'OIDC_STATE_INVALID'
  | 'OIDC_CODE_REJECTED'
  | 'OIDC_NONCE_MISMATCH'
  | 'OIDC_TOKEN_EXPIRED'
  | 'OIDC_TOKEN_INVALID'
  | 'OIDC_EMAIL_NOT_VERIFIED'
  | 'OIDC_IDENTITY_TAKEN'
  | 'OIDC_IDENTITY_NOT_FOUND'
  | 'OIDC_LAST_SIGN_IN_METHOD'
  | 'INVALID_CREDENTIALS';

export interface OidcFailure {
  ok: false;
  code: OidcErrorCode;
  message: string;
  field?: string[];
}

export const oidcFail = (code: OidcErrorCode, message: string, field?: string[]): OidcFailure => ({
  ok: false,
  code,
  message,
  ...(field ? { field } : {}),
});

/** A provider answered something a sign-in cannot use; carries the failure to report. */
export class ProviderError extends Error {
  constructor(readonly failure: OidcFailure) {
    super(failure.message);
  }
}

/** The errors of `error` and its `cause` chain (openid-client wraps oauth4webapi's). */
function* causes(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

const isNetworkFailure = (error: unknown) =>
  [...causes(error)].some(
    (e) =>
      (e instanceof TypeError && /fetch failed/i.test(e.message)) ||
      (e instanceof Error && ['TimeoutError', 'AbortError'].includes(e.name)) ||
      (typeof (e as { code?: unknown }).code === 'string' &&
        /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR_)/.test(
          (e as { code: string }).code,
        )),
  );

const responseStatus = (error: unknown): number | undefined => {
  for (const e of causes(error)) {
    if (e instanceof client.ResponseBodyError) return e.status;
    if (e instanceof Response) return e.status;
  }
  return undefined;
};

/** GitHub answers a bad code with 200 and `{ "error": "bad_verification_code" }`. */
const hasErrorBody = (error: unknown) =>
  [...causes(error)].some(
    (e) => typeof (e as { body?: { error?: unknown } }).body?.error === 'string',
  );

const comparedClaim = (error: unknown): string | undefined => {
  for (const e of causes(error)) {
    const claim = (e as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
  }
  return undefined;
};

/**
 * Maps what openid-client (or fetch) threw while talking to a provider to a typed failure. The
 * message never contains tokens, codes or the provider's response body.
 */
export function classifyProviderError(error: unknown, step: 'discovery' | 'exchange'): OidcFailure {
  if (error instanceof ProviderError) return error.failure;
  if (isNetworkFailure(error)) {
    return oidcFail(
      'OIDC_PROVIDER_UNAVAILABLE',
      'The sign-in provider cannot be reached; try again',
    );
  }
  const status = responseStatus(error);
  if (status !== undefined && status >= 500) {
    return oidcFail('OIDC_PROVIDER_UNAVAILABLE', 'The sign-in provider failed; try again');
  }
  if (step === 'discovery') {
    return oidcFail('OIDC_PROVIDER_UNAVAILABLE', 'The sign-in provider is misconfigured or down');
  }
  if (error instanceof client.ResponseBodyError || status !== undefined || hasErrorBody(error)) {
    return oidcFail(
      'OIDC_CODE_REJECTED',
      'The provider rejected the authorization code (expired, already used or not issued for this sign-in)',
      ['input', 'code'],
    );
  }
  const code = error instanceof client.ClientError ? error.code : undefined;
  if (code === 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED') {
    return oidcFail('OIDC_TOKEN_EXPIRED', 'The provider returned an expired ID token');
  }
  if (code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && comparedClaim(error) === 'nonce') {
    return oidcFail('OIDC_NONCE_MISMATCH', 'The ID token does not belong to this sign-in (nonce)');
  }
  return oidcFail(
    'OIDC_TOKEN_INVALID',
    'The provider returned an ID token that failed verification',
  );
}
