import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DocumentNode, FragmentDefinitionNode, SelectionSetNode, ValueNode } from 'graphql';
import { DEFAULT_LIMITS, parseWithLimit } from './analyze';
import { Kind } from './graphql';
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
  /** Each executed login field, per IP + email (lower-cased). Default 10 per 15 min. */
  loginPerIpEmail?: LimitRule | false;
  /** Each executed login field, per IP, any email. Default 100 per 15 min. */
  loginPerIp?: LimitRule | false;
  /** Mutation root fields counted as login attempts. Default `['login']`. */
  loginFields?: string[];
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
  /** The query text or parsed document; absent (e.g. persisted query hash only) → no login count. */
  document?: string | DocumentNode | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

export type RequestLimitResult =
  | { ok: true }
  | { ok: false; status: 429; code: 'RATE_LIMITED'; message: string; retryAfterSeconds: number }
  | { ok: false; status: 400; code: 'TOO_MANY_TOKENS'; message: string };

export interface RequestLimits {
  /**
   * Counts one operation against the IP and user limits and one login attempt per login field
   * the document would execute (aliases, fragments and every operation in the document count).
   */
  checkRequestLimits(input: RequestLimitInput): Promise<RequestLimitResult>;
  /**
   * A login from `ip` for `email` succeeded: its IP + email failures start again from zero, so
   * the IP + email budget counts consecutive failures (the per-IP budget still counts all).
   */
  loginSucceeded(ip: string, email: string): Promise<void>;
  /**
   * Counts one operation from `ip` that must be planned for the first time; refused (429
   * RATE_LIMITED) once the IP's budget of new operations is spent.
   */
  checkNewOperation(ip: string): Promise<RequestLimitResult>;
}

const MINUTE = 60_000;

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
  const loginPerIpEmail = make(
    options.loginPerIpEmail,
    { points: 10, durationMs: 15 * MINUTE },
    'login:ip-email:',
  );
  const loginPerIp = make(
    options.loginPerIp,
    { points: 100, durationMs: 15 * MINUTE },
    'login:ip:',
  );
  const newOperationsPerIp = make(
    options.newOperationsPerIp,
    { points: 30, durationMs: MINUTE },
    'new-operations:ip:',
  );
  const loginFields = new Set(options.loginFields ?? ['login']);
  const maxTokens = options.maxTokens ?? DEFAULT_LIMITS.maxTokens;

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

  return {
    async checkNewOperation(ip) {
      return (await consume(newOperationsPerIp, ip, 1, 'new operations')) ?? { ok: true };
    },
    async loginSucceeded(ip, email) {
      await loginPerIpEmail?.reset(`${ip}|${email.trim().toLowerCase()}`);
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
      if (!document) return { ok: true };
      const emails = loginAttempts(document, loginFields, input.variables ?? undefined);
      if (emails.length === 0) return { ok: true };
      const byEmail = new Map<string, number>();
      for (const email of emails) byEmail.set(email, (byEmail.get(email) ?? 0) + 1);
      for (const [email, count] of byEmail) {
        const result = await consume(
          loginPerIpEmail,
          `${input.ip}|${email}`,
          count,
          'sign-in attempts',
        );
        if (result) return result;
      }
      return (
        (await consume(loginPerIp, input.ip, emails.length, 'sign-in attempts')) ?? { ok: true }
      );
    },
  };
}

/**
 * The email of every login field the document's mutations select (lower-cased; `?` when it
 * cannot be read statically), with fragments expanded and aliases counted one by one.
 */
export function loginAttempts(
  document: DocumentNode,
  loginFields: ReadonlySet<string>,
  variables: Record<string, unknown> | undefined,
): string[] {
  return loginSelections(document, loginFields, variables).map((selection) => selection.email);
}

/** One login field a document executes: its response key (alias or name) and the email. */
export interface LoginSelection {
  responseKey: string;
  email: string;
}

/** Like {@link loginAttempts}, with the response key under which each login field answers. */
export function loginSelections(
  document: DocumentNode,
  loginFields: ReadonlySet<string>,
  variables: Record<string, unknown> | undefined,
): LoginSelection[] {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
  }
  const emails: LoginSelection[] = [];
  const valueOf = (value: ValueNode | undefined): unknown => {
    if (!value) return undefined;
    if (value.kind === Kind.VARIABLE) return variables?.[value.name.value];
    if (value.kind === Kind.STRING) return value.value;
    if (value.kind === Kind.OBJECT) {
      return Object.fromEntries(
        value.fields.map((field) => [field.name.value, valueOf(field.value)]),
      );
    }
    return undefined;
  };
  const emailOf = (args: Record<string, unknown>): string => {
    const input = args.input;
    const candidate =
      args.email ??
      (input && typeof input === 'object' ? (input as { email?: unknown }).email : undefined);
    return typeof candidate === 'string' ? candidate.trim().toLowerCase() : '?';
  };
  // Bounded: a fragment bomb of login fields must not loop for ever before the limiter says no.
  let budget = 10_000;
  const walk = (selectionSet: SelectionSetNode, path: ReadonlySet<string>) => {
    for (const selection of selectionSet.selections) {
      if (--budget < 0) return;
      if (selection.kind === Kind.FIELD) {
        if (!loginFields.has(selection.name.value)) continue;
        const args = Object.fromEntries(
          (selection.arguments ?? []).map((argument) => [
            argument.name.value,
            valueOf(argument.value),
          ]),
        );
        emails.push({
          responseKey: selection.alias?.value ?? selection.name.value,
          email: emailOf(args),
        });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, path);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !path.has(name)) walk(fragment.selectionSet, new Set(path).add(name));
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'mutation') {
      walk(definition.selectionSet, new Set());
    }
  }
  return emails;
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
      const { query, variables } =
        request && typeof request === 'object'
          ? (request as { query?: unknown; variables?: unknown })
          : {};
      const result = await options.limits.checkRequestLimits({
        ip,
        userId,
        document: typeof query === 'string' ? query : undefined,
        variables:
          variables && typeof variables === 'object'
            ? (variables as Record<string, unknown>)
            : undefined,
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
