/**
 * SQLSTATEs of text the database cannot store: `22021` character_not_in_repertoire ("invalid
 * byte sequence for encoding "UTF8": 0x00", a NUL or broken UTF-8 in a parameter) and `22P05`
 * untranslatable_character ("unsupported Unicode escape sequence").
 */
const INVALID_TEXT_SQLSTATES = new Set(['22021', '22P05']);
const INVALID_TEXT_MESSAGES =
  /invalid byte sequence for encoding|unsupported Unicode escape sequence|character with byte sequence .* has no equivalent/i;

/**
 * True when `error` (or one of its causes, e.g. under drizzle's `DrizzleQueryError`) is the
 * database refusing a text value it cannot store. The input was bad, not the service: such
 * failures reach clients as `BAD_USER_INPUT` (the gateway refuses NUL and unpaired surrogates
 * before any subgraph is called; this is the subgraphs' own line of defense).
 */
export function isInvalidTextDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth += 1) {
    if (typeof current !== 'object') return false;
    const { code, message, cause } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && INVALID_TEXT_SQLSTATES.has(code)) return true;
    if (typeof message === 'string' && INVALID_TEXT_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}
