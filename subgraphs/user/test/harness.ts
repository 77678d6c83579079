import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  createVerifier,
  identityFromPayload,
  loadSigningKey,
  type Identity,
  type SigningKey,
} from '@shop/auth';
import type { Database } from '@shop/db';
import type { RunningSubgraph } from '@shop/subgraph';
import { callSubgraph, type TestDatabaseTarget } from '@shop/testing';
import { prepareUserDatabase, startUserSubgraph, USER_SUBGRAPH } from '../src/index';
import type { ProviderInput } from '../src/oidc/config';

export const AUTH_FIELDS = `
  user { id email name roles createdAt }
  accessToken accessTokenExpiresAt refreshToken
  userErrors { code message field }`;

export const REGISTER = `mutation ($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`;
export const LOGIN = `mutation ($input: LoginInput!) { login(input: $input) { ${AUTH_FIELDS} } }`;
export const REFRESH = `mutation ($input: RefreshTokenInput!) {
  refreshToken(input: $input) { ${AUTH_FIELDS} } }`;

export interface AuthResult {
  user: { id: string; email: string | null; name: string; roles: string[]; createdAt: string };
  accessToken: string | null;
  accessTokenExpiresAt: string | null;
  refreshToken: string | null;
  userErrors: Array<{ code: string; message: string; field: string[] | null }>;
}

export const PASSWORD = 'Correct-Horse-9';

let counter = 0;
/** A fresh, unique email for one test. */
export const uniqueEmail = (label = 'user') =>
  `${label}-${Date.now().toString(36)}-${(counter += 1)}@example.test`;

export interface Harness {
  database: Database;
  subgraph: RunningSubgraph;
  gatewayKey: SigningKey;
  accessTokenKey: SigningKey;
  call<TData = Record<string, any>>(
    identity: Identity | null,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ status: number; data: TData; errors: Array<Record<string, any>> | undefined }>;
  /** Verifies an access token as the gateway would and returns its identity. */
  identityOf(accessToken: string | null): Promise<Identity>;
  register(input?: { email?: string; password?: string; name?: string }): Promise<AuthResult>;
  login(input: { email: string; password: string }): Promise<AuthResult>;
  refresh(refreshToken: string | null): Promise<AuthResult>;
  close(): Promise<void>;
}

/**
 * Opens a fresh database, migrates and (unless `seed: false`) seeds it, and starts the subgraph
 * on a free port, with `oidcProviders` when given.
 */
export async function startHarness(
  target: TestDatabaseTarget,
  options: { seed?: boolean; oidcProviders?: ProviderInput[] } = {},
): Promise<Harness> {
  const opened = await target.open();
  const { database } = opened;
  await prepareUserDatabase(database, { seed: options.seed ?? true });
  const [gatewayKey, accessTokenKey] = await Promise.all([loadSigningKey(), loadSigningKey()]);
  const subgraph = await startUserSubgraph({
    database,
    gatewayKeys: [gatewayKey],
    accessTokenKey,
    ...(options.oidcProviders ? { oidcProviders: options.oidcProviders } : {}),
    port: 0,
  });
  const verifyAccess = createVerifier({
    keys: [accessTokenKey],
    issuer: ACCESS_TOKEN_ISSUER,
    audience: ACCESS_TOKEN_AUDIENCE,
    type: ACCESS_TOKEN_TYPE,
    requireSubject: true,
  });

  const call: Harness['call'] = async (identity, query, variables) => {
    const result = await callSubgraph(
      { url: subgraph.url, subgraph: USER_SUBGRAPH, gatewayKey, identity },
      { query, ...(variables ? { variables } : {}) },
    );
    return {
      status: result.status,
      data: result.body.data as any,
      errors: result.body.errors,
    };
  };

  const mutate = async (query: string, field: string, input: Record<string, unknown>) => {
    const { data, errors } = await call(null, query, { input });
    if (errors) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`);
    return data[field] as AuthResult;
  };

  return {
    database,
    subgraph,
    gatewayKey,
    accessTokenKey,
    call,
    async identityOf(accessToken) {
      if (!accessToken) throw new Error('no access token');
      const verified = await verifyAccess(accessToken);
      if (!verified.ok) throw new Error(`access token rejected: ${verified.reason}`);
      const identity = identityFromPayload(verified.payload);
      if (!identity) throw new Error('access token has no subject');
      return identity;
    },
    register: (input = {}) =>
      mutate(REGISTER, 'register', {
        email: input.email ?? uniqueEmail(),
        password: input.password ?? PASSWORD,
        name: input.name ?? 'Test User',
      }),
    login: (input) => mutate(LOGIN, 'login', input),
    refresh: (refreshToken) => mutate(REFRESH, 'refreshToken', { refreshToken }),
    async close() {
      await subgraph.stop();
      await opened.cleanup();
    },
  };
}
