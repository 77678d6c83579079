import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { describe, expect, it } from 'vitest';
import { readCommittedSupergraph } from '@shop/schema';
import { executedPasswordFields, readPasswordFields } from '../src/limits';

// The CommonJS graphql Apollo Server uses (see src/limits/graphql.ts).
const { buildSchema, getOperationAST, parse } = createRequire(import.meta.url)(
  'graphql',
) as typeof GraphQL;

const schema = buildSchema(`
  input LoginInput { email: String! password: String! }
  type Payload { accessToken: String refreshToken: String }
  type Query { hello: String }
  type Mutation {
    login(input: LoginInput!): Payload
    register(input: LoginInput!): Payload
    reset(token: String!): Payload
    other: String
  }
`);
const rules = new Map([
  [
    'Mutation.login',
    { coordinate: 'Mutation.login', emailPath: ['input', 'email'], createsAccount: false },
  ],
  [
    'Mutation.register',
    { coordinate: 'Mutation.register', emailPath: ['input', 'email'], createsAccount: true },
  ],
  ['Mutation.reset', { coordinate: 'Mutation.reset', emailPath: undefined, createsAccount: false }],
]);

/** The executed password fields as `field:responseKey:email`, or the error message. */
const run = (query: string, variables?: Record<string, unknown>, operationName?: string) => {
  const document = parse(query);
  const operation = getOperationAST(document, operationName);
  if (!operation) throw new Error('no operation');
  const result = executedPasswordFields({ schema, document, operation, variables, rules });
  return result.ok
    ? result.fields.map((field) => `${field.field}:${field.responseKey}:${field.email ?? '-'}`)
    : `error: ${result.message}`;
};

describe('executedPasswordFields', () => {
  it('reads the supergraph: login, register and the password-reset fields are password fields', () => {
    const read = readPasswordFields(readCommittedSupergraph());
    expect([...read.values()]).toEqual([
      { coordinate: 'Mutation.register', emailPath: ['input', 'email'], createsAccount: true },
      { coordinate: 'Mutation.login', emailPath: ['input', 'email'], createsAccount: false },
      {
        coordinate: 'Mutation.requestPasswordReset',
        emailPath: ['input', 'email'],
        createsAccount: false,
      },
      { coordinate: 'Mutation.resetPassword', emailPath: undefined, createsAccount: false },
      { coordinate: 'Mutation.changeEmail', emailPath: undefined, createsAccount: false },
    ]);
  });

  it('counts only the operation selected by operationName', () => {
    const query = `mutation Victim { x: login(input: { email: "v@x.io", password: "p" }) { accessToken } }
      mutation Mine { x: login(input: { email: "me@x.io", password: "p" }) { accessToken } }`;
    expect(run(query, {}, 'Mine')).toEqual(['login:x:me@x.io']);
    expect(run(query, {}, 'Victim')).toEqual(['login:x:v@x.io']);
  });

  it('reads the email after variable defaults, coercion and normalization', () => {
    expect(
      run(
        `mutation($e: String = "  V@X.IO ") { login(input: { email: $e, password: "p" }) { accessToken } }`,
      ),
    ).toEqual(['login:login:v@x.io']);
    expect(
      run(
        `mutation($in: LoginInput = { email: "V@x.io", password: "p" }) { login(input: $in) { accessToken } }`,
      ),
    ).toEqual(['login:login:v@x.io']);
    expect(
      run(`mutation($in: LoginInput!) { login(input: $in) { accessToken } }`, {
        in: { email: '\tA@B.io\n', password: 'p' },
      }),
    ).toEqual(['login:login:a@b.io']);
    // A variable sent overrides its default.
    expect(
      run(
        `mutation($e: String = "v@x.io") { login(input: { email: $e, password: "p" }) { accessToken } }`,
        {
          e: 'other@x.io',
        },
      ),
    ).toEqual(['login:login:other@x.io']);
  });

  it('honours @skip/@include (with defaults), fragments and merging by response key', () => {
    const login = (alias: string, directive = '') =>
      `${alias}: login(input: { email: "v@x.io", password: "p" }) ${directive} { accessToken }`;
    expect(run(`mutation($s: Boolean = true) { ${login('a', '@skip(if: $s)')} other }`)).toEqual(
      [],
    );
    expect(
      run(`mutation($s: Boolean = true) { ${login('a', '@skip(if: $s)')} }`, { s: false }),
    ).toEqual(['login:a:v@x.io']);
    expect(
      run(`mutation($i: Boolean!) { ... @include(if: $i) { ${login('a')} } other }`, { i: false }),
    ).toEqual([]);
    expect(run(`mutation { ...F ...F } fragment F on Mutation { ${login('a')} }`)).toEqual([
      'login:a:v@x.io',
    ]);
    expect(run(`mutation { ${login('a')} ...F } fragment F on Mutation { ${login('a')} }`)).toEqual(
      ['login:a:v@x.io'],
    );
    expect(
      run(
        `mutation { ${login('a')} ${login('b')} r: register(input: { email: "N@x.io", password: "p" }) { accessToken } }`,
      ),
    ).toEqual(['login:a:v@x.io', 'login:b:v@x.io', 'register:r:n@x.io']);
    expect(run(`mutation { reset(token: "t") { accessToken } }`)).toEqual(['reset:reset:-']);
  });

  it('finds the accessToken selection by field name, not alias', () => {
    const document = parse(
      `mutation { login(input: { email: "v@x.io", password: "p" }) { accessToken: refreshToken t: accessToken ...P } } fragment P on Payload { again: accessToken }`,
    );
    const result = executedPasswordFields({
      schema,
      document,
      operation: getOperationAST(document)!,
      variables: {},
      rules,
    });
    expect(result.ok && result.fields[0]!.accessTokenKeys).toEqual(['t', 'again']);
  });

  it('refuses variables that do not coerce (nothing would run) and ignores queries', () => {
    expect(
      run(`mutation($e: String!) { login(input: { email: $e, password: "p" }) { accessToken } }`),
    ).toMatch(/^error: Variable "\$e"/);
    expect(run(`query { hello }`)).toEqual([]);
    expect(run(`mutation { other }`)).toEqual([]);
  });
});
