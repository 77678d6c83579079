import { describe, expect, it } from 'vitest';
import { GITHUB_DEFAULTS, parseProviders } from '../../src/oidc/config';

const base = {
  clientId: 'client',
  clientSecret: 'super-secret-value',
  redirectUri: 'https://shop.example.com/auth/callback',
};

describe('OIDC_PROVIDERS parsing', () => {
  it('should apply the defaults of OpenID Connect and GitHub providers', () => {
    const [google, github] = parseProviders(
      JSON.stringify([
        { id: 'google', issuer: 'https://accounts.google.com', ...base },
        { id: 'github', type: 'github', ...base },
      ]),
    );
    expect(google).toMatchObject({
      type: 'oidc',
      scopes: ['openid', 'email', 'profile'],
      timeoutMs: 1500,
    });
    expect(github).toMatchObject({
      type: 'github',
      authorizationEndpoint: GITHUB_DEFAULTS.authorizationEndpoint,
      tokenEndpoint: GITHUB_DEFAULTS.tokenEndpoint,
      apiUrl: GITHUB_DEFAULTS.apiUrl,
      scopes: ['read:user', 'user:email'],
    });
    expect(parseProviders(undefined)).toEqual([]);
    expect(parseProviders('')).toEqual([]);
  });

  it('should refuse bad entries with a message naming the field and never the secret', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['not json', /not valid JSON/],
      [[{ id: 'Bad Id', issuer: 'https://a.example', ...base }], /0\.id/],
      [[{ id: 'a', issuer: 'https://a.example', ...base, scopes: ['email'] }], /openid/],
      [
        [{ id: 'a', issuer: 'https://a.example', ...base, tokenEndpoint: 'https://a.example/t' }],
        /all of authorizationEndpoint/,
      ],
      [
        [
          { id: 'a', issuer: 'https://a.example', ...base },
          { id: 'a', type: 'github', ...base },
        ],
        /repeat/,
      ],
      [[{ id: 'a', issuer: 'https://a.example', ...base, redirectUri: 'nope' }], /redirectUri/],
    ];
    for (const [input, message] of cases) {
      const parse = () => parseProviders(typeof input === 'string' ? input : JSON.stringify(input));
      expect(parse).toThrow(message);
      expect(parse).not.toThrow(/super-secret-value/);
    }
  });
});
