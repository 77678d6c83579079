import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  ACCESS_TOKEN_TYPE,
  loadSigningKey,
  signJwt,
} from '@shop/auth';
import { postGraphQL } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { graphTargets, startTestGraph, type TestGraph } from './harness';

const ME = `query { me { id email name roles } }`;

describe.each(graphTargets())('foundation through the gateway on %s', (target) => {
  let t: TestGraph;
  beforeAll(async () => {
    t = await startTestGraph(target);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should register, log in and read me with the token from login', async () => {
    const email = `new-${target}-${Date.now()}@example.com`;
    const registered = await t.gql(
      `mutation($input: RegisterInput!) { register(input: $input) { user { id email } accessToken refreshToken userErrors { code } } }`,
      { input: { email, password: 'Correct-horse-9', name: 'Ada Lovelace' } },
    );
    expect(registered.status).toBe(200);
    expect(registered.body.data?.register.userErrors).toEqual([]);
    const userId = registered.body.data?.register.user.id as string;

    const token = await t.login(email, 'Correct-horse-9');
    const me = await t.gql(ME, {}, token);
    expect(me.body.errors).toBeUndefined();
    expect(me.body.data?.me).toEqual({
      id: userId,
      email,
      name: 'Ada Lovelace',
      roles: ['CUSTOMER'],
    });

    const anonymous = await t.gql(ME);
    expect(anonymous.body.data?.me).toBeNull();
  });

  it('should log in the demo customer named in the README', async () => {
    const token = await t.login(DEMO_ACCOUNTS.customer.email, DEMO_ACCOUNTS.customer.password);
    const me = await t.gql(ME, {}, token);
    expect(me.body.data?.me.email).toBe(DEMO_ACCOUNTS.customer.email);
  });

  it('should answer one operation from both subgraphs', async () => {
    const token = await t.login(DEMO_ACCOUNTS.customer.email, DEMO_ACCOUNTS.customer.password);
    const result = await t.gql(
      `query { me { email } products(first: 3) { totalCount edges { cursor node { id name category { name } variants { sku price { amount currencyCode } } } } } categories { name children { name } } }`,
      {},
      token,
    );
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data?.me.email).toBe(DEMO_ACCOUNTS.customer.email);
    expect(result.body.data?.products.totalCount).toBeGreaterThanOrEqual(50);
    expect(result.body.data?.products.edges).toHaveLength(3);
    const price = result.body.data?.products.edges[0].node.variants[0].price;
    expect(Number.isInteger(price.amount)).toBe(true);
    expect(price.currencyCode).toMatch(/^[A-Z]{3}$/);
    expect(result.body.data?.categories.length).toBeGreaterThanOrEqual(4);
  });

  it('should let an admin create a product and refuse a customer with FORBIDDEN', async () => {
    const categories = await t.gql(`query { categories { id } }`);
    const categoryId = categories.body.data?.categories[0].id as string;
    const create = `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id name variants { sku price { amount currencyCode } } } userErrors { code message } } }`;
    const input = (sku: string) => ({
      name: `E2E Lamp ${sku}`,
      description: 'A lamp made by the end-to-end test.',
      categoryId,
      variants: [
        { sku, name: 'Default', price: { amount: 2599, currencyCode: 'USD' }, stockOnHand: 5 },
      ],
    });

    const admin = await t.adminToken();
    const created = await t.gql(create, { input: input(`E2E-${target}-1`) }, admin);
    expect(created.body.errors).toBeUndefined();
    expect(created.body.data?.createProduct.userErrors).toEqual([]);
    expect(created.body.data?.createProduct.product.variants[0].price).toEqual({
      amount: 2599,
      currencyCode: 'USD',
    });

    const customer = await t.newCustomer();
    const refused = await t.gql(create, { input: input(`E2E-${target}-2`) }, customer.token);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.body.data?.createProduct ?? null).toBeNull();

    const anonymous = await t.gql(create, { input: input(`E2E-${target}-3`) });
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    const search = await t.gql(
      `query($f: ProductFilter) { products(first: 10, filter: $f) { totalCount } }`,
      { f: { nameContains: `E2E Lamp E2E-${target}` } },
      admin,
    );
    expect(search.body.data?.products.totalCount).toBe(1);
  });

  describe('token validation', () => {
    const claims = { roles: ['ADMIN'] };
    const expectRejected = async (token: string) => {
      const result = await t.gql(ME, {}, token);
      expect(result.status).toBe(401);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.body.data ?? null).toBeNull();
    };

    it('should reject a token signed by a key the graph does not know (forged)', async () => {
      const forger = await loadSigningKey();
      await expectRejected(
        await signJwt(forger, {
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          type: ACCESS_TOKEN_TYPE,
          expiresInSeconds: 300,
          subject: 'someone',
          claims,
        }),
      );
    });

    it('should reject an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: t.accessTokenKey.kid, typ: ACCESS_TOKEN_TYPE })
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject('someone')
        .setIssuedAt(now - 3600)
        .setExpirationTime(now - 120)
        .sign(t.accessTokenKey.privateKey);
      const result = await t.gql(ME, {}, token);
      expect(result.status).toBe(401);
      expect(result.body.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_EXPIRED',
      });
    });

    it('should reject alg none', async () => {
      const token = new UnsecuredJWT(claims)
        .setIssuer(ACCESS_TOKEN_ISSUER)
        .setAudience(ACCESS_TOKEN_AUDIENCE)
        .setSubject('someone')
        .setIssuedAt()
        .setExpirationTime('5m')
        .encode();
      await expectRejected(token);
    });

    it('should reject a token for another audience', async () => {
      await expectRejected(
        await signJwt(t.accessTokenKey, {
          issuer: ACCESS_TOKEN_ISSUER,
          audience: 'some-other-api',
          type: ACCESS_TOKEN_TYPE,
          expiresInSeconds: 300,
          subject: 'someone',
          claims,
        }),
      );
    });

    it('should reject a malformed Authorization header', async () => {
      const result = await postGraphQL(t.url, {
        query: ME,
        headers: { authorization: 'Basic Zm9vOmJhcg==' },
      });
      expect(result.status).toBe(401);
      expect(result.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  it('should refuse a subgraph called directly with a forged identity header (401)', async () => {
    for (const subgraph of Object.values(t.graph.subgraphs)) {
      const forged = await postGraphQL(subgraph.url, {
        query: '{ __typename }',
        headers: { 'x-user-id': 'admin', 'x-user-roles': 'ADMIN' },
      });
      expect(forged.status).toBe(401);
      expect(forged.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const customer = await t.newCustomer();
    const passedThrough = await postGraphQL(t.graph.subgraphs.user!.url, {
      query: ME,
      token: customer.token,
    });
    expect(passedThrough.status).toBe(401);
  });

  it('should return typed errors for bad input', async () => {
    const register = `mutation($input: RegisterInput!) { register(input: $input) { user { id } userErrors { code field } } }`;
    const weak = await t.gql(register, {
      input: { email: 'weak@example.com', password: 'short', name: 'W' },
    });
    expect(weak.body.data?.register.userErrors[0].code).toBe('WEAK_PASSWORD');

    const customer = await t.newCustomer();
    const taken = await t.gql(register, {
      input: { email: customer.email, password: 'Sturdy-pass-42', name: 'Dup' },
    });
    expect(taken.body.data?.register).toMatchObject({
      user: null,
      userErrors: [{ code: 'EMAIL_TAKEN' }],
    });

    const wrong = await t.gql(
      `mutation { login(input: { email: "${customer.email}", password: "Wrong-pass-42" }) { accessToken userErrors { code } } }`,
    );
    expect(wrong.body.data?.login).toEqual({
      accessToken: null,
      userErrors: [{ code: 'INVALID_CREDENTIALS' }],
    });

    const page = await t.gql(`query { products(first: 1000) { totalCount } }`);
    expect(page.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // A request error answered as application/json is 200 (GraphQL over HTTP; 400 only as
    // application/graphql-response+json, see graphql-http-audit.e2e.ts).
    const invalid = await t.gql(`query { products(first: "x") { totalCount } }`);
    expect(invalid.status).toBe(200);
    expect(invalid.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const fraction = await t.gql(
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { product { id } } }`,
      {
        input: {
          name: 'X',
          categoryId: 'x',
          variants: [
            { sku: 'S', name: 'S', price: { amount: 1.5, currencyCode: 'USD' }, stockOnHand: 1 },
          ],
        },
      },
      await t.adminToken(),
    );
    expect(fraction.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    for (const result of [weak, taken, wrong, page, invalid, fraction]) {
      expect(JSON.stringify(result.body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    }
  });

  it('should answer malformed requests with a code, never a 500', async () => {
    const notJson = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    expect(notJson.status).toBe(400);
    expect(
      ((await notJson.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!
        .extensions.code,
    ).toBe('BAD_REQUEST');

    const huge = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);

    const syntax = await t.gql(`query { products(first: 1) { `);
    expect(syntax.status).toBe(200); // application/json: 200 with `errors` (GraphQL over HTTP)
    expect(syntax.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('should serve GraphiQL from local assets and health probes', async () => {
    const page = await fetch(t.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('graphiql');
    expect(html).not.toMatch(/https?:\/\/(unpkg|cdn|esm\.sh)/);
    for (const src of html.matchAll(/(?:src|href)="(\/graphiql\/[^"]+)"/g)) {
      const asset = await fetch(new URL(src[1]!, t.url));
      expect(asset.status, src[1]).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, src[1]).toBeGreaterThan(100);
    }
    expect((await fetch(new URL('/healthz', t.url))).status).toBe(200);
    expect((await fetch(new URL('/readyz', t.url))).status).toBe(200);
    const jwks = (await (
      await fetch(new URL('/.well-known/jwks.json', t.graph.subgraphs.user!.url))
    ).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys[0]?.kid).toBe(t.accessTokenKey.kid);
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
