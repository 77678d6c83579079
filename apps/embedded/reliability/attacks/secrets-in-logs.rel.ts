import { randomUUID } from 'node:crypto';
import type { GraphQLArgument, GraphQLField, GraphQLInputType, GraphQLSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '@shop/db';
import { postGraphQL } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { startEmbeddedProcess, type EmbeddedProcess } from '../faults/embedded-process';
import { graphql } from './graphql';
import { apiSchema } from './shapes';

/**
 * Issue 15 finding 6 (logging half): NOTHING secret reaches the log, whatever the input.
 *
 * `pnpm start` runs as a child process (real Postgres, Redis when set, rate limits off so every
 * request reaches its resolver) and its whole stdout + stderr is kept. The test walks the API
 * schema of the committed supergraph and, for EVERY `String`/`ID` position of every query and
 * mutation (arguments and input fields at any depth), sends values built from secrets it
 * created: NUL bytes with a fresh email, lone surrogates with a fresh password, 100 KB strings,
 * refresh/access/cart tokens, a fresh valid email — as the admin and as a customer. The other
 * arguments get plausible values (real ids, valid emails and passwords) so requests get as far
 * as the database. Then it stops the process (its shutdown logs count too) and scans the whole
 * log for every secret: passwords, the password hashes read from the database, access and
 * refresh tokens, cart tokens, emails, and SQL parameter lists.
 *
 * Old main: `register(name: "Nu\u0000ll")` alone logged drizzle's "Failed query … params:" with
 * the email and the argon2id hash, plus the pg error's detail.
 */

const CONCURRENCY = 4;
const HUGE = 100_000;

let graph: EmbeddedProcess;
/** Every secret the test created or received; none may appear in the log. */
const secrets = new Set<string>();
const secret = <T extends string>(value: T): T => {
  secrets.add(value);
  return value;
};
let fresh = 0;
const freshEmail = () =>
  secret(`fuzz-${Date.now()}-${(fresh += 1)}-${randomUUID().slice(0, 8)}@example.com`);
const freshPassword = () => secret(`Fuzz-Pass-${randomUUID().slice(0, 12)}`);

interface Identity {
  name: string;
  token: string;
  refreshToken: string;
}

const gql = (query: string, variables?: Record<string, unknown>, token?: string) =>
  postGraphQL(graph.url, { query, ...(variables ? { variables } : {}), token });

async function authPayload(
  mutation: 'register' | 'login',
  input: Record<string, string>,
): Promise<Identity> {
  const result = await gql(
    `mutation($input: ${mutation === 'register' ? 'RegisterInput' : 'LoginInput'}!) {
      ${mutation}(input: $input) { accessToken refreshToken userErrors { code } } }`,
    { input },
  );
  const payload = result.body.data?.[mutation] as
    { accessToken: string | null; refreshToken: string | null } | undefined;
  if (!payload?.accessToken || !payload.refreshToken)
    throw new Error(`${mutation} failed: ${JSON.stringify(result.body)}`);
  return {
    name: mutation,
    token: secret(payload.accessToken),
    refreshToken: secret(payload.refreshToken),
  };
}

/** One String/ID position: the root field, the argument, and the input-field path inside it. */
interface Position {
  operation: 'query' | 'mutation';
  field: GraphQLField<unknown, unknown>;
  arg: GraphQLArgument;
  path: string[];
}

function stringPositions(schema: GraphQLSchema): Position[] {
  const positions: Position[] = [];
  const walk = (
    base: Omit<Position, 'path'>,
    type: GraphQLInputType,
    path: string[],
    seen: Set<string>,
  ) => {
    const named = graphql.getNamedType(type);
    if (graphql.isScalarType(named) && (named.name === 'String' || named.name === 'ID')) {
      positions.push({ ...base, path });
    } else if (graphql.isInputObjectType(named) && !seen.has(named.name)) {
      for (const field of Object.values(named.getFields())) {
        walk(base, field.type, [...path, field.name], new Set([...seen, named.name]));
      }
    }
  };
  for (const operation of ['query', 'mutation'] as const) {
    const root = operation === 'query' ? schema.getQueryType() : schema.getMutationType();
    for (const field of Object.values(root?.getFields() ?? {})) {
      for (const arg of field.args) walk({ operation, field, arg }, arg.type, [], new Set());
    }
  }
  return positions;
}

interface Fixtures {
  productId: string;
  variantId: string;
  cartToken: string;
  customer: Identity;
}

/** A plausible value for a String/ID named `name` that is not the fuzzed one. */
function plausible(name: string, scalar: string, fixtures: Fixtures): string {
  const key = name.toLowerCase();
  if (key.includes('email')) return freshEmail();
  if (key.includes('password')) return freshPassword();
  if (key === 'carttoken') return fixtures.cartToken;
  if (key === 'refreshtoken') return fixtures.customer.refreshToken;
  if (key.includes('currency')) return 'USD';
  if (key.includes('country')) return 'GB';
  if (key.includes('variant')) return fixtures.variantId;
  if (key.includes('product')) return fixtures.productId;
  if (scalar === 'ID' || key.includes('key')) return randomUUID();
  return `fuzz ${name}`;
}

/** A value of `type` with every required part filled and `target` (a path) set to `value`. */
function valueOf(
  type: GraphQLInputType,
  name: string,
  target: string[] | undefined,
  fill: { value: string; fixtures: Fixtures },
): unknown {
  const { value, fixtures } = fill;
  if (graphql.isNonNullType(type)) return valueOf(type.ofType, name, target, fill);
  if (graphql.isListType(type)) return [valueOf(type.ofType, name, target, fill)];
  if (graphql.isEnumType(type)) return type.getValues()[0]!.value;
  if (graphql.isInputObjectType(type)) {
    const result: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const onPath = target !== undefined && target[0] === field.name;
      const required = graphql.isNonNullType(field.type) && field.defaultValue === undefined;
      if (!onPath && !required) continue;
      result[field.name] = valueOf(
        field.type,
        field.name,
        onPath ? target.slice(1) : undefined,
        fill,
      );
    }
    return result;
  }
  if (graphql.isScalarType(type)) {
    if (target !== undefined && target.length === 0) return value;
    switch (type.name) {
      case 'String':
      case 'ID':
        return plausible(name, type.name, fixtures);
      case 'Int':
      case 'MinorUnits':
        return 1;
      case 'Float':
        return 1.5;
      case 'Boolean':
        return false;
      case 'DateTime':
        return new Date().toISOString();
      default:
        return 'x';
    }
  }
  return null;
}

function request(position: Position, value: string, fixtures: Fixtures) {
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const args: string[] = [];
  for (const arg of position.field.args) {
    const isTarget = arg === position.arg;
    const required = graphql.isNonNullType(arg.type) && arg.defaultValue === undefined;
    if (!isTarget && !required) continue;
    definitions.push(`$${arg.name}: ${String(arg.type)}`);
    args.push(`${arg.name}: $${arg.name}`);
    variables[arg.name] = valueOf(arg.type, arg.name, isTarget ? position.path : undefined, {
      value,
      fixtures,
    });
  }
  const selection = graphql.isLeafType(graphql.getNamedType(position.field.type))
    ? ''
    : ' { __typename }';
  const query = `${position.operation} Fuzz(${definitions.join(', ')}) { ${position.field.name}(${args.join(', ')})${selection} }`;
  return { query, variables };
}

/** The hostile values for one position, each carrying secrets of its own. */
const hostileValues = (fixtures: Fixtures, admin: Identity) => [
  `Nu\u0000ll ${freshEmail()}`,
  `\ud800${freshPassword()}\udfff`,
  `${freshEmail()} ${'a'.repeat(HUGE)}`,
  `${fixtures.customer.refreshToken}\u0000Bearer ${admin.token}`,
  `${fixtures.cartToken}\u0000${freshPassword()}`,
  freshEmail(),
];

describe('secrets in logs (issue 15 finding 6)', () => {
  let sent = 0;
  let answered5xx = 0;
  let log = '';
  let hashes: string[] = [];

  beforeAll(async () => {
    graph = await startEmbeddedProcess({ env: { RATE_LIMITS: 'off' } });
    secret(DEMO_ACCOUNTS.admin.email);
    secret(DEMO_ACCOUNTS.admin.password);
    secret(DEMO_ACCOUNTS.customer.email);
    secret(DEMO_ACCOUNTS.customer.password);
  }, 120_000);
  afterAll(async () => {
    await graph?.stop();
  });

  it('every String/ID argument fuzzed as admin and customer: no secret anywhere in the log', async () => {
    const admin = await authPayload('login', {
      email: DEMO_ACCOUNTS.admin.email,
      password: DEMO_ACCOUNTS.admin.password,
    });
    const customerInput = { email: freshEmail(), password: freshPassword(), name: 'Fuzz Customer' };
    await authPayload('register', customerInput);
    const customer = await authPayload('login', {
      email: customerInput.email,
      password: customerInput.password,
    });
    // A rotated pair too (the refresh path logs nothing either).
    const rotated = await gql(
      `mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { accessToken refreshToken } }`,
      { input: { refreshToken: customer.refreshToken } },
    );
    const pair = rotated.body.data?.refreshToken as { accessToken: string; refreshToken: string };
    expect(pair?.accessToken).toBeTruthy();
    customer.token = secret(pair.accessToken);
    customer.refreshToken = secret(pair.refreshToken);

    const products = await gql(
      `query { products(first: 1) { edges { node { id variants { id } } } } }`,
    );
    const node = products.body.data?.products.edges[0].node as {
      id: string;
      variants: Array<{ id: string }>;
    };
    const guest = await gql(
      `mutation($input: AddCartLinesInput!) { addCartLines(input: $input) { cartToken } }`,
      { input: { lines: [{ variantId: node.variants[0]!.id, quantity: 1 }] } },
    );
    const cartToken = secret(guest.body.data?.addCartLines?.cartToken as string);
    expect(cartToken).toBeTruthy();
    const fixtures: Fixtures = {
      productId: node.id,
      variantId: node.variants[0]!.id,
      cartToken,
      customer,
    };

    const positions = stringPositions(apiSchema());
    expect(positions.length).toBeGreaterThan(100);
    const work: Array<() => Promise<void>> = [];
    for (const position of positions) {
      hostileValues(fixtures, admin).forEach((value, index) => {
        // Every value as the admin; the NUL and surrogate ones as the customer too.
        const identities = index < 2 ? [admin, customer] : [admin];
        for (const identity of identities) {
          const { query, variables } = request(position, value, fixtures);
          work.push(async () => {
            const result = await gql(query, variables, identity.token);
            sent += 1;
            if (result.status >= 500) answered5xx += 1;
          });
        }
      });
    }
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        for (let next = work.shift(); next; next = work.shift()) await next();
      }),
    );
    expect(sent).toBeGreaterThan(positions.length * 6);

    // The password hashes of every account, as stored.
    const database = await createDatabase({ url: graph.databaseUrl });
    try {
      const rows = await database.query<{ password_hash: string }>(
        `select password_hash from "user".users`,
      );
      hashes = rows.map((row) => row.password_hash);
    } finally {
      await database.close();
    }
    expect(hashes.length).toBeGreaterThan(2);
    for (const hash of hashes) secret(hash);

    // Stop it: shutdown lines count too, and the output is then complete.
    const exit = await graph.signal('SIGTERM', 20_000);
    expect(exit).toBeDefined();
    log = graph.output();
    expect(log).toContain('ShopGraph is running'); // the capture works

    const leaked = [...secrets].filter((value) => log.includes(value));
    // Each secret in its own right, and the shapes: PHC hashes, JWTs, parameter lists, emails.
    expect(leaked.map((value) => value.slice(0, 40))).toEqual([]);
    expect(log).not.toMatch(/\$argon2/);
    expect(log).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
    expect(log).not.toMatch(/params: (?!\[redacted params\])/);
    expect(log).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
    // Nor raw control characters from the input (log injection): one entry, one line.
    expect(log).not.toContain('\u0000');
    console.info(
      `[secrets-in-logs] ${positions.length} positions, ${sent} requests (${answered5xx} answered 5xx), ${secrets.size} secrets, log ${log.length} chars`,
    );
  }, 240_000);
});
