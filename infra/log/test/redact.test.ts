import { afterEach, describe, expect, it } from 'vitest';
import { describeError, log, redact, setLogSink, type LogLevel } from '../src/index';

const HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$3q2+7w8QeVjFzHnA0Xk9oZk1sQhT5h8P2n1rC0aJY6I';
const JWT =
  'eyJhbGciOiJFUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiIxMjMiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU';
const REFRESH = 'Qm9ndXMtcmVmcmVzaC10b2tlbi0xMjM0NTY3ODkwYWJjZGVm';
const CART_TOKEN =
  '0b5a4c1e-7d2f-4f3a-9c1b-2e6d8a9f0c11.dGhpcy1pcy1hLWNhcnQtbWFjLTEyMzQ1Njc4OTBhYmNk';
const EMAIL = 'nu.ll+fuzz@x-y.example.io';

describe('redact', () => {
  it('removes every secret kind and keeps the rest of the text', () => {
    const text = [
      'user signed up',
      EMAIL,
      HASH,
      `Bearer ${JWT}`,
      `refresh ${REFRESH}`,
      `cart ${CART_TOKEN}`,
      'password: "Nul-Pass-1234"',
      '{"cartToken":"abc"}',
      'Key (email)=(someone@x.io) already exists.',
    ].join(' | ');
    const result = redact(text);
    for (const secret of [EMAIL, HASH, JWT, REFRESH, 'Nul-Pass-1234', 'someone@x.io', 'abc"']) {
      expect(result).not.toContain(secret);
    }
    expect(result).not.toContain(CART_TOKEN.split('.')[1]);
    expect(result).toContain('user signed up');
    // Ids are not secrets: the cart id of the token stays.
    expect(result).toContain('0b5a4c1e-7d2f-4f3a-9c1b-2e6d8a9f0c11');
  });

  it("cuts drizzle's params list and GraphQL's quoted invalid values", () => {
    const failed = `Failed query: insert into "user"."users" ("id", "email", "password_hash", "name") values (default, $1, $2, $3) returning "id"\nparams: n@x.io,${HASH},Nu\u0000ll`;
    const result = redact(failed);
    expect(result).toContain('Failed query: insert into "user"."users"');
    expect(result).toContain('params: [redacted params]');
    expect(result).not.toMatch(/n@x\.io|argon2|Nu/);
    expect(redact('Variable "$input" got invalid value { secretish: "v" }; more')).toBe(
      'Variable "$input" got invalid value [redacted value]',
    );
  });

  it('escapes control characters and lone surrogates, bounds the length', () => {
    expect(redact('a\u0000b\nc\u001b[31m\ud800')).toBe('a\\u0000b\\u000ac\\u001b[31m\\ud800');
    const huge = redact('a'.repeat(900_000));
    expect(huge.length).toBeLessThan(1_100);
    expect(huge.endsWith('…[truncated]')).toBe(true);
  });
});

describe('describeError', () => {
  it('writes name, code and message of each cause, never other fields', () => {
    const pgError = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
      detail: `Failing row contains (${EMAIL}, ${HASH}).`,
      where: 'unnamed portal parameter $3',
    });
    const drizzle = new Error(
      `Failed query: insert into users values ($1, $2)\nparams: ${EMAIL},${HASH}`,
      {
        cause: pgError,
      },
    );
    drizzle.name = 'DrizzleQueryError';
    const text = describeError(new Error('register failed', { cause: drizzle }));
    expect(text).toBe(
      'Error: register failed ← DrizzleQueryError: Failed query: insert into users values ($1, $2)\\u000aparams: [redacted params] ← Error [22021]: invalid byte sequence for encoding "UTF8": 0x00',
    );
  });

  it('describes a thrown non-Error by its type only', () => {
    expect(describeError({ password: 'x' })).toBe('thrown [object Object]');
  });
});

describe('log', () => {
  const lines: Array<[LogLevel, string]> = [];
  afterEach(() => {
    setLogSink(undefined);
    lines.length = 0;
  });

  it('redacts the message and the error of every level', () => {
    setLogSink((level, line) => lines.push([level, line]));
    log.info(`welcome ${EMAIL}`);
    log.warn('token refresh failed', new Error(`bad ${REFRESH}`));
    log.error(`[graphql] internal error for Bearer ${JWT}`, new Error(HASH));
    expect(lines.map(([level]) => level)).toEqual(['info', 'warn', 'error']);
    const all = lines.map(([, line]) => line).join('\n');
    for (const secret of [EMAIL, REFRESH, JWT, HASH]) expect(all).not.toContain(secret);
  });
});
