import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { csrfRefusal } from '../src/server/csrf';
import { preferredResponseType } from '../src/server/http-status';

const request = (method: string, headers: Record<string, string>) =>
  ({ method, headers }) as unknown as IncomingMessage;

describe('GraphQL over HTTP helpers', () => {
  it('picks the response media type as Apollo Server does', () => {
    const json = 'application/json';
    const graphql = 'application/graphql-response+json';
    expect(preferredResponseType(undefined)).toBe(json);
    expect(preferredResponseType('*/*')).toBe(json);
    expect(preferredResponseType('application/json')).toBe(json);
    expect(preferredResponseType(graphql)).toBe(graphql);
    expect(preferredResponseType(`${graphql}, application/json;q=0.9`)).toBe(graphql);
    expect(preferredResponseType(`application/json, ${graphql}`)).toBe(json);
    expect(preferredResponseType(`${graphql}, application/json`)).toBe(graphql);
    expect(preferredResponseType(`${graphql};q=0.5, */*`)).toBe(json);
    expect(preferredResponseType(`${graphql}, application/*`)).toBe(graphql);
    expect(preferredResponseType('application/json;q=0, */*;q=0.1')).toBe(graphql);
    expect(preferredResponseType('text/html')).toBeNull();
  });

  it('refuses GETs and simple POSTs without a preflight header, naming the header', () => {
    expect(csrfRefusal(request('GET', {}))).toContain('`apollo-require-preflight: true`');
    expect(csrfRefusal(request('POST', { 'content-type': 'text/plain' }))).toContain(
      '`content-type: application/json`',
    );
    expect(csrfRefusal(request('POST', {}))).toContain('content-type missing');
    expect(
      csrfRefusal(request('POST', { 'content-type': 'multipart/form-data; boundary=x' })),
    ).not.toBeNull();
    expect(csrfRefusal(request('GET', { 'apollo-require-preflight': 'true' }))).toBeNull();
    expect(csrfRefusal(request('GET', { 'x-apollo-operation-name': 'Q' }))).toBeNull();
    expect(csrfRefusal(request('GET', { 'apollo-require-preflight': '' }))).not.toBeNull();
    expect(csrfRefusal(request('POST', { 'content-type': 'application/json' }))).toBeNull();
    // Unparsable content types force a preflight too (as Apollo Server's rule).
    expect(csrfRefusal(request('POST', { 'content-type': 'nonsense' }))).toBeNull();
  });
});
