import { describe, expect, it } from 'vitest';
import { flag, optionalString, optionalUrl, parseEnv, port, z } from '../src/index';

const schema = z.object({
  PORT: port(4000),
  DATABASE_URL: optionalUrl(),
  NAME: optionalString(),
  DEBUG: flag(false),
});

describe('parseEnv', () => {
  it('should apply defaults and treat empty strings as unset', () => {
    const result = parseEnv(schema, { PORT: '', DATABASE_URL: '', DEBUG: 'yes' });
    expect(result).toEqual({
      ok: true,
      value: { PORT: 4000, DATABASE_URL: undefined, NAME: undefined, DEBUG: true },
    });
  });

  it('should report every problem, not just the first', () => {
    const result = parseEnv(schema, { PORT: '70000', DATABASE_URL: 'not a url' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(2);
    expect(result.problems.join('\n')).toMatch(/PORT/);
    expect(result.problems.join('\n')).toMatch(/DATABASE_URL/);
  });
});
