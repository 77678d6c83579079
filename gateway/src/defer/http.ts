/**
 * `@defer` over HTTP (docs/defer.md): an `intercept` for `POST /graphql` that answers operations
 * with active `@defer` fragments as `multipart/mixed; deferSpec=20220824` (Apollo Client 4's
 * `Defer20220824Handler`, Apollo Router's format). Apollo Server 5 on graphql 16 has no
 * incremental delivery, so the operation runs as two plain operations through Apollo Server
 * (defer/split.ts: the same plugins, @auth, limits and plan executor as any request):
 * - a query runs `initial` and `full` at once; the first part is `initial`'s answer, sent as
 *   soon as it is ready, and the deferred parts are cut from `full`'s (defer/parts.ts);
 * - a mutation runs once (`full`), then both are cut from its answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import { sendJson, type ErrorCode } from '@shop/http';
import { parse, print, type DocumentNode, type GraphQLSchema } from 'graphql';
import { TEXT_RESOLVED } from '../persisted';
import type { GatewayContext } from '../server/context';
import { preferredResponseType } from '../server/http-status';
import { DEFER_EXECUTING } from './plugin';
import { assignErrors, cutIncremental, withoutAddedTypenames, type IncrementalPart } from './parts';
import { DeferRequestError, splitOperation, usesIncrementalDirectives } from './split';

type Intercept = (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;
type Data = Record<string, unknown>;
interface GraphQLAnswer {
  data?: Data | null;
  errors?: Array<{ message?: string; path?: Array<string | number> }>;
  extensions?: Data;
}
interface Answer {
  status: number;
  headers: HeaderMap;
  body: string;
  json: GraphQLAnswer | undefined;
}

export const DEFER_CONTENT_TYPE = 'multipart/mixed; boundary="-"; deferSpec=20220824';
const PART_HEADER = 'content-type: application/json; charset=utf-8\r\n\r\n';

export interface DeferOptions {
  apollo: ApolloServer<GatewayContext>;
  context: (req: IncomingMessage) => Promise<GatewayContext>;
  /** The API schema served now (for fragments' type conditions); undefined before the load. */
  schema: () => GraphQLSchema | undefined;
  /**
   * Registers an APQ hash once its operation ran (Apollo Server registers the texts it runs,
   * which here are the derived ones): undefined when APQ is off.
   */
  registerPersisted?: (sha256Hash: string, query: string) => Promise<void>;
  next?: Intercept;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A refusal before anything ran: 200 to `application/json` (as request errors), else 400. */
function refuse(req: IncomingMessage, res: ServerResponse, error: DeferRequestError): void {
  const type = preferredResponseType(req.headers.accept);
  sendJson(res, type === 'application/json' ? 200 : 400, {
    errors: [{ message: error.message, extensions: { code: error.code } }],
  });
}

export function createDeferIntercept(options: DeferOptions): Intercept {
  const { apollo, next } = options;
  const pass: Intercept = (req, res, body) =>
    next ? next(req, res, body) : Promise.resolve(false);

  /** One plain operation through Apollo Server, as this request's caller. */
  const execute = async (
    req: IncomingMessage,
    body: Record<string, unknown>,
    document: DocumentNode,
    role: { executing: () => void } | 'initial',
  ): Promise<Answer> => {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    headers.set('content-type', 'application/json');
    headers.set('accept', 'application/json');
    // The text was resolved (APQ, safelist) before this step: the derived text runs as is.
    const derived: Record<string, unknown> = { ...body, query: print(document) };
    if (isRecord(body.extensions)) {
      const { persistedQuery: _persisted, ...extensions } = body.extensions;
      if (Object.keys(extensions).length > 0) derived.extensions = extensions;
      else delete derived.extensions;
    }
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: derived },
      context: async () => {
        const context: GatewayContext = { ...(await options.context(req)) };
        // Context keys no client can send (symbols): see TEXT_RESOLVED and DEFER_EXECUTING.
        const marks = context as unknown as Record<symbol, unknown>;
        marks[TEXT_RESOLVED] = true;
        if (role === 'initial') context.usageReportedElsewhere = true;
        else marks[DEFER_EXECUTING] = role.executing;
        return context;
      },
    });
    let text = '';
    if (response.body.kind === 'complete') text = response.body.string;
    else for await (const chunk of response.body.asyncIterator) text += chunk;
    let json: GraphQLAnswer | undefined;
    try {
      json = JSON.parse(text) as GraphQLAnswer;
    } catch {
      json = undefined;
    }
    return { status: response.status ?? 200, headers: response.headers, body: text, json };
  };

  const sendAnswer = (res: ServerResponse, answer: Answer, json?: GraphQLAnswer) => {
    for (const [name, value] of answer.headers) {
      if (name !== 'content-length') res.setHeader(name, value);
    }
    const text = json ? JSON.stringify(json) : answer.body;
    res.setHeader('content-length', Buffer.byteLength(text));
    res.statusCode = answer.status;
    res.end(text);
  };

  return async (req, res, body) => {
    if (req.method !== 'POST' || !isRecord(body) || typeof body.query !== 'string') {
      return pass(req, res, body);
    }
    if (!body.query.includes('@defer') && !body.query.includes('@stream')) {
      return pass(req, res, body);
    }
    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch {
      return pass(req, res, body); // Apollo Server answers GRAPHQL_PARSE_FAILED.
    }
    if (!usesIncrementalDirectives(document)) return pass(req, res, body);
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const variables = isRecord(body.variables) ? body.variables : {};
    let split: ReturnType<typeof splitOperation>;
    try {
      split = splitOperation(document, operationName, variables);
    } catch (error) {
      if (!(error instanceof DeferRequestError)) throw error;
      refuse(req, res, error);
      return true;
    }
    if (!split || split.operation.operation === 'subscription') return pass(req, res, body);

    if (!split.deferring) {
      // Every @defer is off (`if: false`): one plain answer.
      const answer = await execute(req, body, split.full, { executing: () => undefined });
      if (answer.json?.data) withoutAddedTypenames(answer.json.data);
      sendAnswer(res, answer, answer.json);
      return true;
    }
    if (!(req.headers.accept ?? '').includes('multipart/mixed')) {
      // As Apollo Router: 406 with the header to send.
      sendJson(res, 406, {
        errors: [
          {
            message:
              'This operation uses @defer but the client does not accept multipart/mixed responses: send the header "Accept: multipart/mixed;deferSpec=20220824, application/json"',
            extensions: { code: 'DEFER_BAD_HEADER' satisfies ErrorCode },
          },
        ],
      });
      return true;
    }

    const mutation = split.operation.operation === 'mutation';
    let executing: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (executing = resolve));
    const full = execute(req, body, split.full, { executing });
    // A mutation runs once; a query's non-deferred part does not wait for the deferred ones.
    const initial = mutation ? full : execute(req, body, split.initial, 'initial');
    // Rejections are awaited below: never unhandled.
    full.catch(() => undefined);
    initial.catch(() => undefined);
    // Nothing is sent before the whole operation passed every request-level check (validation,
    // limits, @auth…): refused, it is answered as without @defer, with its status.
    const settled = await Promise.race([
      started.then(() => false),
      full.then(
        () => true,
        () => true,
      ),
    ]);
    if (settled && failedWhole(await full)) {
      await initial.catch(() => undefined);
      sendAnswer(res, await full);
      return true;
    }
    const first = await initial;
    const firstJson = first.json;
    if (failedWhole(first) || !firstJson || !isRecord(firstJson.data)) {
      await full.catch(() => undefined);
      sendAnswer(res, first);
      return true;
    }
    const cut = (data: Data) =>
      cutIncremental(
        {
          schema: options.schema(),
          selectionSet: split.operation.selectionSet,
          fragments: split.fragments,
          variables,
          defaults: split.defaults,
        },
        data,
      );
    const initialPart: GraphQLAnswer = mutation
      ? { data: cut(firstJson.data).initial }
      : { data: withoutAddedTypenames(firstJson.data) as Data };
    const initialErrors = mutation ? [] : (firstJson.errors ?? []);
    if (initialErrors.length > 0) initialPart.errors = initialErrors;
    if (firstJson.extensions) initialPart.extensions = firstJson.extensions;

    for (const [name, value] of first.headers) {
      if (name !== 'content-length' && name !== 'content-type') res.setHeader(name, value);
    }
    res.writeHead(200, {
      'content-type': DEFER_CONTENT_TYPE,
      'cache-control': 'no-store',
    });
    res.write(
      `\r\n---\r\n${PART_HEADER}${JSON.stringify({ ...initialPart, hasNext: true })}\r\n---`,
    );

    let last: Data;
    try {
      const rest = await full;
      const restJson = rest.json;
      if (failedWhole(rest) || !restJson || !isRecord(restJson.data)) {
        last = { hasNext: false, errors: restJson?.errors ?? [failedError()] };
      } else {
        const parts: IncrementalPart[] = cut(restJson.data).parts;
        const unassigned = assignErrors(parts, restJson.errors ?? [], initialErrors);
        last = {
          hasNext: false,
          ...(parts.length > 0 ? { incremental: parts } : {}),
          ...(unassigned.length > 0 ? { errors: unassigned } : {}),
          // The whole operation's (e.g. its cost): clients merge them over the first part's.
          ...(restJson.extensions ? { extensions: restJson.extensions } : {}),
        };
      }
    } catch {
      last = { hasNext: false, errors: [failedError()] };
    }
    res.end(`\r\n${PART_HEADER}${JSON.stringify(last)}\r\n-----\r\n`);
    const hash = persistedHash(body.extensions);
    // The persisted-query step checked the hash against this text (a mismatch is refused there).
    const ran = await full.then((answer) => !failedWhole(answer)).catch(() => false);
    if (hash && options.registerPersisted && ran) {
      await options.registerPersisted(hash, body.query).catch(() => undefined);
    }
    return true;
  };
}

function persistedHash(extensions: unknown): string | undefined {
  if (!isRecord(extensions) || !isRecord(extensions.persistedQuery)) return undefined;
  const hash = extensions.persistedQuery.sha256Hash;
  return typeof hash === 'string' ? hash : undefined;
}

/** No data at all: refused before running, or failed as a whole. */
function failedWhole(answer: Answer): boolean {
  return answer.status !== 200 || !answer.json || !isRecord(answer.json.data);
}

function failedError() {
  return {
    message: 'The deferred fragments could not be resolved',
    extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode },
  };
}
