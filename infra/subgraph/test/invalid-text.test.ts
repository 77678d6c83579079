import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { formatError, isInvalidTextDatabaseError } from '../src';

const DATABASE_URL = process.env.DATABASE_URL;

describe('text the database cannot store', () => {
  it('is recognised by SQLSTATE or message through causes, and nothing else is', () => {
    const refused = Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
      code: '22021',
    });
    expect(isInvalidTextDatabaseError(refused)).toBe(true);
    expect(isInvalidTextDatabaseError(new Error('Failed query', { cause: refused }))).toBe(true);
    expect(isInvalidTextDatabaseError(Object.assign(new Error('x'), { code: '22P05' }))).toBe(true);
    expect(isInvalidTextDatabaseError(Object.assign(new Error('dup'), { code: '23505' }))).toBe(
      false,
    );
    expect(isInvalidTextDatabaseError(new Error('boom'))).toBe(false);
    expect(isInvalidTextDatabaseError(undefined)).toBe(false);
  });

  it.runIf(DATABASE_URL)(
    'a NUL in a Postgres parameter becomes BAD_USER_INPUT without the parameters in the log',
    async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      let failure: unknown;
      try {
        await client.query('select $1::text', ['secret-value\u0000tail']);
      } catch (error) {
        failure = error;
      } finally {
        await client.end();
      }
      expect((failure as { code?: string }).code).toBe('22021');
      const wrapped = new Error('Failed query: select $1::text\nparams: secret-value', {
        cause: failure,
      });
      expect(isInvalidTextDatabaseError(wrapped)).toBe(true);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      try {
        const formatted = formatError(
          { message: 'Failed query', path: ['register'], extensions: { code: 'X' } },
          wrapped,
        );
        expect(formatted.extensions).toEqual({ code: 'BAD_USER_INPUT' });
        expect(formatted.path).toEqual(['register']);
        expect(JSON.stringify([warn.mock.calls, error.mock.calls])).not.toContain('secret-value');
        expect(error).not.toHaveBeenCalled();
      } finally {
        warn.mockRestore();
        error.mockRestore();
      }
    },
  );
});
