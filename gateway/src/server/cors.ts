import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type ErrorCode } from '@shop/http';

/**
 * Cross-origin access for browsers (docs/SECURITY.md "CORS"): which web origins may call the
 * gateway over HTTP and open its WebSocket. One allow-list for both.
 */
export interface CorsOptions {
  /**
   * Exact origins (`scheme://host[:port]`, e.g. `http://127.0.0.1:5173`), or `['*']` for any
   * origin (refused in production and with `credentials`). Empty: no cross-origin access.
   */
  origins: readonly string[];
  /** Also allow `http://localhost`, `127.0.0.1` and `[::1]` on any port (development). */
  localhost?: boolean;
  /** Send `Access-Control-Allow-Credentials: true` (cookies, client certificates). Default off. */
  credentials?: boolean;
  /** How long a browser may cache a preflight answer (`Access-Control-Max-Age`). Default 600. */
  maxAgeSeconds?: number;
}

/** What the environment says (`CORS_ORIGINS`, `CORS_CREDENTIALS`; gateway/src/env.ts). */
export interface CorsEnv {
  NODE_ENV: 'development' | 'production' | 'test';
  CORS_ORIGINS?: string | undefined;
  CORS_CREDENTIALS: boolean;
}

/** A CORS configuration the gateway refuses to start with. */
export class CorsConfigError extends Error {
  override name = 'CorsConfigError';
}

/** Request headers a browser may send cross-origin: Apollo Client's, tracing, auth. */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'authorization',
  'content-type',
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
  'tracestate',
  'x-request-id',
] as const;

/** Response headers a cross-origin page may read beyond the safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['retry-after'] as const;

const DEFAULT_MAX_AGE_SECONDS = 600;
const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The CORS options of a process from its environment. `CORS_ORIGINS` unset: none in production,
 * localhost origins otherwise (`pnpm start`). Throws {@link CorsConfigError} for a configuration
 * that must not start (`*` in production or with credentials, an entry that is not an origin).
 */
export function corsFromEnv(env: CorsEnv): CorsOptions {
  const production = env.NODE_ENV === 'production';
  const listed = (env.CORS_ORIGINS ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  const options: CorsOptions =
    env.CORS_ORIGINS === undefined || env.CORS_ORIGINS.trim() === ''
      ? { origins: [], localhost: !production, credentials: env.CORS_CREDENTIALS }
      : { origins: listed, credentials: env.CORS_CREDENTIALS };
  checkCorsOptions(options, production);
  return options;
}

/** Throws {@link CorsConfigError} when the options must not be served. */
export function checkCorsOptions(options: CorsOptions, production: boolean): void {
  const wildcard = options.origins.includes('*');
  if (wildcard && production) {
    throw new CorsConfigError(
      'CORS_ORIGINS=* is refused in production: list the exact origins of your web apps, ' +
        'comma-separated (e.g. CORS_ORIGINS=https://shop.example.com)',
    );
  }
  if (wildcard && options.credentials) {
    throw new CorsConfigError(
      'CORS_ORIGINS=* cannot be combined with CORS_CREDENTIALS=true: list the exact origins',
    );
  }
  for (const origin of options.origins) {
    if (origin === '*') continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.origin !== origin || !['http:', 'https:'].includes(parsed.protocol)) {
      throw new CorsConfigError(
        `CORS_ORIGINS entry "${origin}" is not an origin: write scheme://host[:port], ` +
          'lower-case, without a path or trailing slash (e.g. http://127.0.0.1:5173)',
      );
    }
  }
}

export interface Cors {
  /** True when a request with this `Origin` (and `Host`) may be served cross-origin. */
  allows(origin: string, host: string | undefined): boolean;
  /**
   * For every HTTP request, first: sets the CORS headers (errors included, so browsers can read
   * them) and answers preflights (204, or 403 for an origin not allowed). True when answered.
   */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** WebSocket upgrades: no `Origin` (not a browser) or an allowed one. */
  allowsUpgrade(req: IncomingMessage): boolean;
}

const appendVary = (res: ServerResponse) => {
  const vary = res.getHeader('vary');
  const values = vary === undefined ? [] : String(vary).split(/\s*,\s*/);
  if (!values.some((value) => value.toLowerCase() === 'origin')) {
    res.setHeader('vary', [...values, 'Origin'].filter(Boolean).join(', '));
  }
};

/** The gateway's CORS policy; absent options mean no cross-origin access (same origin only). */
export function createCors(options: CorsOptions | undefined, production: boolean): Cors {
  const settings: CorsOptions = options ?? { origins: [] };
  checkCorsOptions(settings, production);
  const wildcard = settings.origins.includes('*');
  const exact = new Set(settings.origins);
  const credentials = !!settings.credentials;
  const maxAge = String(settings.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS);

  const allows = (origin: string, host: string | undefined): boolean => {
    if (wildcard || exact.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // e.g. `null` (sandboxed frames, file://)
    }
    // Same origin (GraphiQL served by this gateway): browsers send Origin on POST and upgrades.
    if (host !== undefined && url.host === host) return true;
    return !!settings.localhost && LOCAL_HOSTNAMES.has(url.hostname);
  };

  return {
    allows,
    handle(req, res) {
      appendVary(res);
      const origin = req.headers.origin;
      if (origin === undefined) return false; // not a browser's cross-origin request
      const allowed = allows(origin, req.headers.host);
      const preflight =
        req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
      if (allowed) {
        res.setHeader('access-control-allow-origin', wildcard && !credentials ? '*' : origin);
        if (credentials) res.setHeader('access-control-allow-credentials', 'true');
      }
      if (!preflight) {
        if (allowed)
          res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
        return false;
      }
      if (!allowed) {
        sendJson(res, 403, {
          errors: [
            {
              message: `Origin ${origin} is not allowed: add it to CORS_ORIGINS`,
              extensions: { code: 'FORBIDDEN' satisfies ErrorCode },
            },
          ],
        });
        return true;
      }
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': CORS_ALLOWED_HEADERS.join(', '),
        'access-control-max-age': maxAge,
        'content-length': '0',
      });
      res.end();
      return true;
    },
    allowsUpgrade(req) {
      const origin = req.headers.origin;
      return origin === undefined || allows(origin, req.headers.host);
    },
  };
}
