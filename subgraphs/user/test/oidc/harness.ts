import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Identity } from '@shop/auth';
import type { TestDatabaseTarget } from '@shop/testing';
import { startHarness } from '../harness';
import type { ProviderInput } from '../../src/oidc/config';

export const START = `mutation ($input: StartOidcSignInInput!) {
  startOidcSignIn(input: $input) { authorizationUrl state expiresAt userErrors { code message field } } }`;
export const COMPLETE = `mutation ($input: CompleteOidcSignInInput!) {
  completeOidcSignIn(input: $input) {
    user { id email name } accessToken accessTokenExpiresAt refreshToken
    userErrors { code message field } } }`;
export const START_LINK = `mutation ($input: StartOidcSignInInput!) {
  startOidcLink(input: $input) { authorizationUrl state userErrors { code message } } }`;
export const COMPLETE_LINK = `mutation ($input: CompleteOidcSignInInput!) {
  completeOidcLink(input: $input) {
    identity { provider subject email emailVerified } userErrors { code message } } }`;
export const UNLINK = `mutation ($input: UnlinkOidcIdentityInput!) {
  unlinkOidcIdentity(input: $input) { user { id identities { provider } } userErrors { code message } } }`;
export const ME = `{ me { id email emailVerified identities { provider subject email emailVerified } } }`;

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The user subgraph with the given sign-in providers over a fresh, unseeded database. */
export async function startOidcHarness(target: TestDatabaseTarget, providers: ProviderInput[]) {
  const h = await startHarness(target, { seed: false, oidcProviders: providers });
  /** Runs `query` as `identity` (`input` becomes `$input`); throws on GraphQL errors. */
  const call = async <T = Record<string, any>>(
    identity: Identity | null,
    query: string,
    input?: Record<string, unknown>,
    variables?: Record<string, unknown>,
  ): Promise<T> => {
    const result = await h.call<T>(
      identity,
      query,
      input || variables ? { ...variables, ...(input && { input }) } : undefined,
    );
    if (result.errors) throw new Error(`errors: ${JSON.stringify(result.errors)}`);
    return result.data;
  };
  return { database: h.database, call, identityOf: h.identityOf, close: h.close };
}

export type OidcHarness = Awaited<ReturnType<typeof startOidcHarness>>;
