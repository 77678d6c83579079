import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode, isPublicErrorCode } from '../src';

describe('the error-code table', () => {
  it('describes every code, each in SCREAMING_SNAKE_CASE', () => {
    for (const [code, description] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
      expect(description.length).toBeGreaterThan(10);
    }
  });

  it('lets every code but INTERNAL_SERVER_ERROR through formatting', () => {
    expect(isErrorCode('INTERNAL_SERVER_ERROR')).toBe(true);
    expect(isPublicErrorCode('INTERNAL_SERVER_ERROR')).toBe(false);
    expect(isPublicErrorCode('RATE_LIMITED')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode('NOT_IN_THE_TABLE')).toBe(false);
  });
});
