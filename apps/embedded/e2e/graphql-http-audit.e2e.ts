import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGraphQLHttpAudits, type HttpAuditOutcome } from '@shop/testing';
import { startTestGraph, type TestGraph } from './harness';

/**
 * graphql-http's `serverAudits` (GraphQL over HTTP) against the gateway: no MUST (`error`) and
 * no SHOULD (`warn`) may fail. Notices (MAY) are listed: the three left are GETs without a
 * preflight header (form-encoded GET, GET with `variables`), refused by CSRF prevention on
 * purpose — the refusal names the header to add (tested below).
 */
describe('GraphQL over HTTP conformance (graphql-http audit)', () => {
  let t: TestGraph;
  let outcomes: HttpAuditOutcome[];
  beforeAll(async () => {
    t = await startTestGraph('pglite');
    outcomes = await runGraphQLHttpAudits(t.url);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('passes every MUST and SHOULD audit', () => {
    const failed = (status: string) =>
      outcomes
        .filter((outcome) => outcome.status === status)
        .map(({ id, name, reason, response }) => `${id} ${name}: ${reason} (${response})`);
    const notices = failed('notice');
    // In the test output: what is left, and why.
    console.info(
      `graphql-http audit: ${outcomes.filter((o) => o.status === 'ok').length} ok, ` +
        `${notices.length} notices\n${notices.join('\n')}`,
    );
    expect(outcomes.length).toBeGreaterThan(50);
    expect(failed('error')).toEqual([]);
    expect(failed('warn')).toEqual([]);
    // The only notices: CSRF prevention refusing GETs without a preflight header.
    for (const notice of outcomes.filter((outcome) => outcome.status === 'notice')) {
      expect(notice.response).toContain('CSRF_PREFLIGHT_REQUIRED');
    }
  });

  const post = (accept: string, body: unknown) =>
    fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify(body),
    });

  it('answers request errors 200 as application/json, 400 as application/graphql-response+json', async () => {
    const requests = {
      GRAPHQL_PARSE_FAILED: { query: '{' },
      GRAPHQL_VALIDATION_FAILED: { query: '{ noSuchField }' },
      BAD_USER_INPUT: { query: 'query ($id: ID!) { product(id: $id) { id } }', variables: {} },
    };
    for (const [code, body] of Object.entries(requests)) {
      for (const [accept, status, type] of [
        ['application/json', 200, 'application/json'],
        [undefined, 200, 'application/json'],
        ['application/graphql-response+json', 400, 'application/graphql-response+json'],
        [
          'application/graphql-response+json, application/json;q=0.9',
          400,
          'application/graphql-response+json',
        ],
      ] as const) {
        const response = await fetch(t.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
          body: JSON.stringify(body),
        });
        const result = (await response.json()) as Record<string, any>;
        expect({ code, accept, status: response.status }).toEqual({ code, accept, status });
        expect(response.headers.get('content-type')).toContain(type);
        expect(result.data).toBeUndefined();
        expect(result.errors[0].extensions.code).toBe(code);
      }
    }
    // The gateway's own refusals keep their status (here an operation limit).
    const deep = await post('application/json', {
      query: `query { categories { ${'children { '.repeat(14)}id${' }'.repeat(14)} } }`,
    });
    expect(deep.status).toBe(400);
  });

  it('says which header to add when CSRF prevention refuses a GET or a simple POST', async () => {
    const query = encodeURIComponent('{ __typename }');
    const get = await fetch(`${t.url}?query=${query}`, { headers: { accept: 'application/json' } });
    expect(get.status).toBe(400);
    const getBody = (await get.json()) as { errors: Array<Record<string, any>> };
    expect(getBody.errors).toEqual([
      {
        message: expect.stringContaining('Add the header `apollo-require-preflight: true`'),
        extensions: {
          code: 'CSRF_PREFLIGHT_REQUIRED',
          requiredHeader: 'apollo-require-preflight: true',
        },
      },
    ]);

    const form = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(form.status).toBe(400);
    const formBody = (await form.json()) as { errors: Array<Record<string, any>> };
    expect(formBody.errors[0]!.message).toContain('`content-type: application/json`');
    expect(formBody.errors[0]!.extensions).toEqual({
      code: 'CSRF_PREFLIGHT_REQUIRED',
      requiredHeader: 'apollo-require-preflight: true',
      alternative: 'content-type: application/json',
    });

    // Doing what the message says works.
    const preflighted: Array<Record<string, string>> = [
      { 'apollo-require-preflight': 'true' },
      { 'x-apollo-operation-name': 'Typename' },
    ];
    for (const headers of preflighted) {
      const ok = await fetch(`${t.url}?query=${query}`, { headers });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ data: { __typename: 'Query' } });
    }
  });
});
