import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode } from 'graphql';
import type { ErrorCodeSubset } from '@shop/http';
import { DEFAULT_LIMITS, parseWithLimit } from './analyze';
import { createRateLimiter, type RateLimiter, type RateLimitStore } from './rate-limiter';

export interface LimitRule {
  points: number;
  durationMs: number;
}

export interface RequestLimitsOptions {
  /** Every operation, per client IP. Default 600/min. `false` disables. */
  perIp?: LimitRule | false;
  /** Every operation, per signed-in user. Default 300/min. `false` disables. */
  perUser?: LimitRule | false;
  /**
   * Each executed password field (`@passwordHashing`: login, register…), per field, IP and
   * email (normalized). Default 10 per 15 min; a successful sign-in resets it.
   */
  loginPerIpEmail?: LimitRule | false;
  /** Each executed password field, per field and IP, any email. Default 100 per 15 min. */
  loginPerIp?: LimitRule | false;
  /**
   * Each executed account-creating password field (`register`), per IP. Default 20 per hour:
   * registration answers `EMAIL_TAKEN`, so this bounds how fast one address can probe emails.
   */
  accountCreationPerIp?: LimitRule | false;
  /**
   * The password fields a (not yet validated) document would execute — wired by the gateway to
   * `executedPasswordFields` over the served API schema. Only used to refuse early, before
   * Apollo runs, requests whose email or IP this process already refused (429) and whose window
   * has not ended; the real counting stays in `checkPasswordAttempts`.
   */
  passwordAttemptsOf?: (
    document: DocumentNode,
    variables: Record<string, unknown> | undefined,
    operationName: string | undefined,
  ) => PasswordAttempt[];
  /** Token limit when the document arrives as text. Default 5,000. */
  maxTokens?: number;
  /** Shared store (e.g. `createRedisStore`); default one memory store per limiter. */
  store?: RateLimitStore;
  /**
   * Operations the gateway has to plan for the first time (new operation shapes), per client
   * IP (`checkNewOperation`). Default 30/min: an app sends a fixed set of operations, each
   * planned once for all clients; a client inventing new shapes (e.g. new aliases per request)
   * cannot buy unbounded planning. `false` disables.
   */
  newOperationsPerIp?: LimitRule | false;
}

export interface RequestLimitInput {
  ip: string;
  userId?: string | null | undefined;
  /** The query text or parsed document (for the token limit). */
  document?: string | DocumentNode | null | undefined;
  variables?: Record<string, unknown> | undefined;
  operationName?: string | undefined;
}

/** One password field an operation is about to execute (see password-fields.ts). */
export interface PasswordAttempt {
  /** The field's name (`login`); counters are per field. */
  field: string;
  /** The normalized email, when the field names one. */
  email: string | undefined;
  createsAccount: boolean;
}

export type RequestLimitResult =
  | { ok: true }
  | {
      ok: false;
      status: 429;
      code: ErrorCodeSubset<'RATE_LIMITED'>;
      message: string;
      retryAfterSeconds: number;
    }
  | { ok: false; status: 400; code: ErrorCodeSubset<'TOO_MANY_TOKENS'>; message: string };

export interface RequestLimits {
  /** Counts one operation against the IP and user limits (and applies the token limit). */
  checkRequestLimits(input: RequestLimitInput): Promise<RequestLimitResult>;
  /**
   * Counts the password fields an operation executes (once each, refused ones too) against
   * the per IP + email, per IP and account-creation budgets; called once the operation is
   * resolved, before it executes (passwordFieldsPlugin).
   */
  checkPasswordAttempts(ip: string, attempts: PasswordAttempt[]): Promise<RequestLimitResult>;
  /**
   * `field` for `email` from `ip` succeeded: its IP + email count starts again from zero, so
   * that budget counts consecutive failures (the per-IP budgets still count all).
   */
  passwordAttemptSucceeded(ip: string, field: string, email: string): Promise<void>;
  /**
   * Counts one operation from `ip` that must be planned for the first time; refused (429
   * RATE_LIMITED) once the IP's budget of new operations is spent.
   */
  checkNewOperation(ip: string): Promise<RequestLimitResult>;
}

const MINUTE = 60_000;

/** The counter keys one password attempt from `ip` counts against. */
const keysOf = (ip: string, attempt: PasswordAttempt) => ({
  ipEmail:
    attempt.email === undefined ? undefined : `${attempt.field}|${ip}|${emailKey(attempt.email)}`,
  ip: `${attempt.field}|${ip}`,
  creation: attempt.createsAccount ? `creation|${ip}` : undefined,
});

/**
 * An email as a counter key: itself, or its SHA-256 when longer than any real address (254
 * characters), so a megabyte of "email" cannot become a megabyte of key in memory or Redis.
 */
const emailKey = (email: string) =>
  email.length <= 254 ? email : `sha256:${createHash('sha256').update(email).digest('hex')}`;

export function createRequestLimits(options: RequestLimitsOptions = {}): RequestLimits {
  const make = (rule: LimitRule | false | undefined, fallback: LimitRule, prefix: string) => {
    if (rule === false) return undefined;
    const { points, durationMs } = rule ?? fallback;
    return createRateLimiter({
      points,
      durationMs,
      keyPrefix: prefix,
      ...(options.store ? { store: options.store } : {}),
    });
  };
  const perIp = make(options.perIp, { points: 600, durationMs: MINUTE }, 'ip:');
  const perUser = make(options.perUser, { points: 300, durationMs: MINUTE }, 'user:');
  const passwordPerIpEmail = make(
    options.loginPerIpEmail,
    { points: 10, durationMs: 15 * MINUTE },
    'login:ip-email:',
  );
  const passwordPerIp = make(
    options.loginPerIp,
    { points: 100, durationMs: 15 * MINUTE },
    'login:ip:',
  );
  const accountCreationPerIp = make(
    options.accountCreationPerIp,
    { points: 20, durationMs: 60 * MINUTE },
    'account-creation:ip:',
  );
  const newOperationsPerIp = make(
    options.newOperationsPerIp,
    { points: 30, durationMs: MINUTE },
    'new-operations:ip:',
  );
  const maxTokens = options.maxTokens ?? DEFAULT_LIMITS.maxTokens;

  /**
   * Password-budget keys this process refused, until their window ends (bounded): lets
   * `checkRequestLimits` answer a repeat 429 before Apollo parses, validates and logs it.
   */
  const refusedUntil = new Map<string, number>();
  const consume = async (
    limiter: RateLimiter | undefined,
    key: string,
    points: number,
    what: string,
  ): Promise<RequestLimitResult | undefined> => {
    if (!limiter || points <= 0) return undefined;
    const result = await limiter.consume(key, points);
    if (result.ok) return undefined;
    return {
      ok: false,
      status: 429,
      code: 'RATE_LIMITED',
      message: `Too many ${what}; retry in ${result.retryAfterSeconds} s`,
      retryAfterSeconds: result.retryAfterSeconds,
    };
  };
  /** `consume` for a password budget: a refusal is remembered until its window ends. */
  const consumePassword = async (limiter: RateLimiter | undefined, key: string, points: number) => {
    const result = await consume(limiter, key, points, 'sign-in attempts');
    if (result && !result.ok && result.status === 429) {
      if (refusedUntil.size >= 10_000) refusedUntil.clear();
      refusedUntil.set(key, Date.now() + result.retryAfterSeconds * 1000);
    }
    return result;
  };
  /** Adds one to `counts[key]`. */
  const tally = (counts: Map<string, number>, key: string) =>
    counts.set(key, (counts.get(key) ?? 0) + 1);

  return {
    async checkNewOperation(ip) {
      return (await consume(newOperationsPerIp, ip, 1, 'new operations')) ?? { ok: true };
    },
    async passwordAttemptSucceeded(ip, field, email) {
      const key = `${field}|${ip}|${emailKey(email)}`;
      refusedUntil.delete(key);
      await passwordPerIpEmail?.reset(key);
    },
    async checkPasswordAttempts(ip, attempts) {
      const byIpEmail = new Map<string, number>();
      const byIp = new Map<string, number>();
      let creations = 0;
      for (const attempt of attempts) {
        const keys = keysOf(ip, attempt);
        if (keys.ipEmail) tally(byIpEmail, keys.ipEmail);
        tally(byIp, keys.ip);
        if (keys.creation) creations += 1;
      }
      for (const [key, count] of byIpEmail) {
        const result = await consumePassword(passwordPerIpEmail, key, count);
        if (result) return result;
      }
      for (const [key, count] of byIp) {
        const result = await consumePassword(passwordPerIp, key, count);
        if (result) return result;
      }
      return (
        (await consumePassword(accountCreationPerIp, `creation|${ip}`, creations)) ?? { ok: true }
      );
    },
    async checkRequestLimits(input) {
      let document: DocumentNode | undefined;
      if (typeof input.document === 'string') {
        const parsed = parseWithLimit(input.document, maxTokens);
        if (!parsed.ok && parsed.code === 'TOO_MANY_TOKENS') {
          return { ok: false, status: 400, code: 'TOO_MANY_TOKENS', message: parsed.message };
        }
        // Other syntax errors: Apollo answers them (GRAPHQL_PARSE_FAILED); nothing executes.
        document = parsed.ok ? parsed.document : undefined;
      } else {
        document = input.document ?? undefined;
      }
      const rejected =
        (await consume(perIp, input.ip, 1, 'requests')) ??
        (input.userId ? await consume(perUser, input.userId, 1, 'requests') : undefined);
      if (rejected) return rejected;
      if (refusedUntil.size === 0 || !document || !options.passwordAttemptsOf) return { ok: true };
      const now = Date.now();
      for (const attempt of options.passwordAttemptsOf(
        document,
        input.variables,
        input.operationName,
      )) {
        const keys = keysOf(input.ip, attempt);
        for (const key of [keys.ipEmail, keys.ip, keys.creation]) {
          const until = key ? refusedUntil.get(key) : undefined;
          if (until === undefined) continue;
          if (until <= now) {
            refusedUntil.delete(key!);
            continue;
          }
          const retryAfterSeconds = Math.max(1, Math.ceil((until - now) / 1000));
          return {
            ok: false,
            status: 429,
            code: 'RATE_LIMITED',
            message: `Too many sign-in attempts; retry in ${retryAfterSeconds} s`,
            retryAfterSeconds,
          };
        }
      }
      return { ok: true };
    },
  };
}

export interface LimitsInterceptOptions {
  limits: RequestLimits;
  /** The client address; default the socket's (set this when behind a trusted proxy). */
  ipOf?: (req: IncomingMessage) => string;
  /** The signed-in user, if cheap to know here (e.g. the verified token's subject). */
  userIdOf?: (req: IncomingMessage) => Promise<string | null | undefined>;
  /** The next intercept (e.g. the multipart subscription handler). */
  next?: (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
}

/**
 * An `intercept` for `startHttpServer`: checks `POST /graphql` bodies (single or batched) before
 * Apollo sees them; answers 429 (`retry-after`) or 400 itself, else hands on to `next`.
 */
export function createLimitsIntercept(options: LimitsInterceptOptions) {
  const ipOf = options.ipOf ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? 'unknown');
  return async (req: IncomingMessage, res: ServerResponse, body: unknown): Promise<boolean> => {
    const ip = ipOf(req);
    const userId = options.userIdOf ? await options.userIdOf(req).catch(() => null) : null;
    // A batch counts as one request per operation (Apollo then rejects batches anyway).
    const requests = Array.isArray(body) ? (body as unknown[]) : [body];
    for (const request of requests.slice(0, 100)) {
      const { query, variables, operationName } =
        request && typeof request === 'object'
          ? (request as { query?: unknown; variables?: unknown; operationName?: unknown })
          : {};
      const result = await options.limits.checkRequestLimits({
        ip,
        userId,
        document: typeof query === 'string' ? query : undefined,
        variables:
          variables && typeof variables === 'object'
            ? (variables as Record<string, unknown>)
            : undefined,
        operationName: typeof operationName === 'string' ? operationName : undefined,
      });
      if (result.ok) continue;
      if (result.status === 429) res.setHeader('retry-after', String(result.retryAfterSeconds));
      const text = JSON.stringify({
        errors: [
          {
            message: result.message,
            extensions: {
              code: result.code,
              ...(result.status === 429 ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
            },
          },
        ],
      });
      res.writeHead(result.status, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return true;
    }
    return options.next ? options.next(req, res, body) : false;
  };
}
