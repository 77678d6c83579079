import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type ErrorCode } from '@shop/http';

/** An `intercept` of `startHttpServer`: true when it answered the request. */
type Intercept = (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;

/** Content types a browser sends cross-site without a CORS preflight (Fetch's safelist). */
const SIMPLE_CONTENT_TYPES = new Set([
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
]);

/** Headers whose presence proves a preflight (Apollo's `recommendedCsrfPreventionRequestHeaders`). */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

const header = (req: IncomingMessage, name: string): string => {
  const value = req.headers[name];
  return (Array.isArray(value) ? value.join(', ') : value) ?? '';
};

/**
 * Why `req` is refused as a possible cross-site request forgery, or null when a browser must
 * have preflighted it. The same rule as Apollo Server's `csrfPrevention` (which stays on behind
 * this): a request is safe when its content-type is not one of the three a form can send (an
 * unparsable one also forces a preflight), or when it carries a non-empty `apollo-require-preflight`
 * or `x-apollo-operation-name`. What this adds is the answer: it says which header to add.
 */
export function csrfRefusal(req: IncomingMessage): string | null {
  const contentType = header(req, 'content-type');
  if (contentType !== '') {
    const essence = contentType.split(';')[0]!.trim().toLowerCase();
    if (!/^[!#$%&'*+.^`|~\w-]+\/[!#$%&'*+.^`|~\w-]+$/.test(essence)) return null;
    if (!SIMPLE_CONTENT_TYPES.has(essence)) return null;
  }
  if (PREFLIGHT_HEADERS.some((name) => header(req, name) !== '')) return null;
  return req.method === 'GET'
    ? 'This GET request was refused by CSRF prevention. Add the header ' +
        '`apollo-require-preflight: true` (or `x-apollo-operation-name: <operation name>`) to ' +
        'send an operation with GET; a browser then sends a CORS preflight first.'
    : `This POST request (content-type ${contentType === '' ? 'missing' : `\`${contentType}\``}) ` +
        'was refused by CSRF prevention. Send the body as JSON with ' +
        '`content-type: application/json`, or add the header `apollo-require-preflight: true`.';
}

/**
 * Refuses GETs and simple POSTs that carry no preflight header (400 `CSRF_PREFLIGHT_REQUIRED`,
 * with `requiredHeader` in the extensions), before anything reads the operation; hands the rest
 * to `next`.
 */
export function csrfIntercept(next: Intercept): Intercept {
  return async (req, res, body) => {
    const refusal = csrfRefusal(req);
    if (refusal === null) return next(req, res, body);
    sendJson(res, 400, {
      errors: [
        {
          message: refusal,
          extensions: {
            code: 'CSRF_PREFLIGHT_REQUIRED' satisfies ErrorCode,
            requiredHeader: 'apollo-require-preflight: true',
            ...(req.method === 'GET' ? {} : { alternative: 'content-type: application/json' }),
          },
        },
      ],
    });
    return true;
  };
}
