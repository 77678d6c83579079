import { describeError, redact } from './redact';

export { describeError, redact, MAX_PART_CHARS } from './redact';

/**
 * The one logger of every service (gateway, subgraphs, infra): each entry is one line, redacted
 * HERE, whatever the caller passes — no SQL parameters, password hashes, tokens, email addresses
 * or raw control characters ever reach the output (see `redact`). Errors are written by name,
 * code and message (and the same for each `cause`), never with their other fields or stack.
 * `info` goes to stdout, `warn` and `error` to stderr. Production code does not use `console.*`
 * (eslint `no-console`).
 */
export interface Logger {
  info(message: string, error?: unknown): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

export type LogLevel = 'info' | 'warn' | 'error';

/** Where finished (already redacted) lines go; tests may swap it with `setLogSink`. */
export type LogSink = (level: LogLevel, line: string) => void;

const standardStreams: LogSink = (level, line) => {
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
};
let sink: LogSink = standardStreams;

/** Sends every line to `next` (`undefined`: back to stdout/stderr). Returns the previous sink. */
export function setLogSink(next: LogSink | undefined): LogSink {
  const previous = sink;
  sink = next ?? standardStreams;
  return previous;
}

/** One redacted line: the message, then `: <error>` when an error is given. */
export function formatLogLine(message: string, error?: unknown): string {
  const text = redact(message);
  return error === undefined ? text : `${text}: ${describeError(error)}`;
}

const write = (level: LogLevel) => (message: string, error?: unknown) =>
  sink(level, formatLogLine(message, error));

export const log: Logger = { info: write('info'), warn: write('warn'), error: write('error') };

/**
 * The same logger in the shape Apollo Server and @apollo/gateway take (`logger` option), so their
 * own messages (unexpected errors, schema reloads…) are redacted too; `debug` is dropped.
 */
export const apolloLogger = {
  debug: () => undefined,
  info: (...parts: unknown[]) => logParts('info', parts),
  warn: (...parts: unknown[]) => logParts('warn', parts),
  error: (...parts: unknown[]) => logParts('error', parts),
};

function logParts(level: LogLevel, parts: unknown[]): void {
  const text = parts
    .map((part) => (typeof part === 'string' ? redact(part) : describeError(part)))
    .join(' ');
  sink(level, `[apollo] ${text}`);
}

/**
 * Writes `line` to stdout UNREDACTED. Only for the dev-mode credential a developer asks for by
 * leaving `GATEWAY_JWKS_URL` unset: a subgraph run alone prints an internal token of its
 * ephemeral key, valid 60 s, to call it by hand. Never for anything else; production (a JWKS URL
 * set) never reaches it.
 */
export function printDevCredential(line: string): void {
  process.stdout.write(`${line}\n`);
}

/**
 * Logs an uncaught exception or unhandled rejection through the redacting logger, then exits 1.
 * Node's default prints the whole error object (a drizzle error's SQL parameters, a pg error's
 * `detail`, …) to stderr. Called once by each process's entry point (`main.ts`).
 */
export function logUncaughtErrors(): void {
  const fail = (what: string) => (error: unknown) => {
    log.error(`[process] ${what}; exiting`, error);
    process.exit(1);
  };
  process.on('uncaughtException', fail('uncaught exception'));
  process.on('unhandledRejection', fail('unhandled rejection'));
}
