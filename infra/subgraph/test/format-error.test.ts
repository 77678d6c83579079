import { describe, expect, it } from 'vitest';
import { setLogSink } from '@shop/log';
import { formatError } from '../src';

describe('formatError', () => {
  it('keeps a code of the table (without the stack trace) and masks any other', () => {
    const silenced = setLogSink(() => {});
    try {
      const unknown = { message: 'secret', extensions: { code: 'NOT_IN_TABLE' } };
      expect(formatError(unknown, new Error('secret'))).toEqual({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      const known = { message: 'slow down', extensions: { code: 'RATE_LIMITED', stacktrace: [] } };
      expect(formatError(known, new Error('slow down'))).toEqual({
        message: 'slow down',
        extensions: { code: 'RATE_LIMITED' },
      });
    } finally {
      setLogSink(silenced);
    }
  });
});
