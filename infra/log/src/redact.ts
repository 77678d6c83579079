import { isUuid } from '@shop/primitives';

/**
 * What never reaches a log line, whatever the caller passed: every rule replaces the secret part
 * of the text with a `[redacted …]` marker. Applied by the logger to every message and every
 * part of an error (message, code, each cause), so a caller cannot forget it.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // drizzle's "Failed query: <sql>\nparams: <values>" (and any other "params:" list): the values
  // are user data (emails, password hashes, tokens); the statement text stays.
  [/\bparams:[\s\S]*$/i, 'params: [redacted params]'],
  // GraphQL's coercion messages quote the refused value: `Variable "$x" got invalid value …`.
  [/\b(invalid value)\b[\s\S]*$/i, '$1 [redacted value]'],
  // Postgres details quote the offending row: `Key (email)=(a@b.io) already exists.`
  [/\)=\([^)]*\)/g, ')=([redacted value])'],
  // PHC strings: argon2id / argon2i / argon2d, bcrypt, scrypt.
  [/\$(?:argon2[a-z]*|2[abxy]?|scrypt)\$[^\s"',;)}\]]*/gi, '[redacted hash]'],
  // JWTs (also a truncated one), and anything after "Bearer".
  [/\beyJ[\w-]*\.[\w-]*(?:\.[\w-]*)?/g, '[redacted token]'],
  [/\b(bearer)\s+[^\s"',;]+/gi, '$1 [redacted token]'],
  // `password: "…"`, `"cartToken":"…"`, `refreshToken=…`, `secret: …`, `cvc: …`.
  [
    /\b(\w*(?:password|secret|token|authorization|cvc)\w*)("?\s*[:=]\s*)("[^"]*"?|'[^']*'?|[^\s,;)}\]]+)/gi,
    '$1$2[redacted]',
  ],
  // Email addresses: any word with something on both sides of an "@".
  [/[^\s"'`<>()[\]{},;:]+@[^\s"'`<>()[\]{},;:]+/g, '[redacted email]'],
];

/**
 * Random-looking runs of 32+ base64/base64url/hex characters with letters and digits: refresh
 * tokens, cart-token MACs, token hashes, keys. UUIDs (ids, not secrets) stay.
 */
const opaqueSecrets = (text: string) =>
  text.replace(/[A-Za-z0-9_\-+/=]{32,}/g, (run) =>
    isUuid(run) || !/\d/.test(run) || !/[A-Za-z]/.test(run) ? run : '[redacted secret]',
  );

/** Control characters, lone surrogates and line breaks as `\uXXXX`: one entry, one line. */
const escapeControls = (text: string) =>
  text.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** Longest text kept from one message or error part (a 900 KB input must not flood the log). */
const MAX_PART_CHARS = 1_000;

/** `text` without secrets, control characters or excess length. */
export function redact(text: string): string {
  // Cut first (bounded work on huge inputs), with room for markers to replace secrets.
  let result = text.length > MAX_PART_CHARS * 4 ? text.slice(0, MAX_PART_CHARS * 4) : text;
  for (const [pattern, replacement] of RULES) result = result.replace(pattern, replacement);
  result = escapeControls(opaqueSecrets(result));
  return result.length > MAX_PART_CHARS ? `${result.slice(0, MAX_PART_CHARS)}…[truncated]` : result;
}

/** How many causes of an error are described. */
const MAX_CAUSES = 4;

/**
 * An error as one redacted line: `Name [code]: message`, then `← cause` for each cause. Only the
 * name, `code` and message are read — never `detail`, `params`, `query`, stack or other fields.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth <= MAX_CAUSES && current !== undefined && current !== null; depth++) {
    parts.push(describeOne(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(' ← ');
}

function describeOne(error: unknown): string {
  if (!(error instanceof Error)) return redact(typeof error === 'string' ? error : typeOf(error));
  const code = (error as { code?: unknown }).code;
  const codeText = typeof code === 'string' || typeof code === 'number' ? ` [${code}]` : '';
  return redact(`${error.name}${codeText}: ${error.message}`);
}

/** A non-Error thrown value: its type only (its contents may be anything). */
const typeOf = (value: unknown) =>
  typeof value === 'object' ? `thrown ${Object.prototype.toString.call(value)}` : typeof value;
