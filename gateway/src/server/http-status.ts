import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLError } from 'graphql';

const JSON_TYPE = 'application/json';
const GRAPHQL_RESPONSE_TYPE = 'application/graphql-response+json';

interface Range {
  type: string;
  subtype: string;
  q: number;
  order: number;
}

function parseAccept(accept: string): Range[] {
  return accept.split(',').flatMap((part, order) => {
    const [mediaRange = '', ...params] = part.split(';').map((piece) => piece.trim());
    const [type, subtype] = mediaRange.toLowerCase().split('/');
    if (!type || !subtype) return [];
    const qParam = params.find((param) => param.toLowerCase().startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    return Number.isFinite(q) ? [{ type, subtype, q, order }] : [];
  });
}

/** The most specific range of `ranges` matching `mediaType`, with its specificity. */
function bestMatch(ranges: Range[], mediaType: string) {
  const [type, subtype] = mediaType.split('/') as [string, string];
  let best: { q: number; specificity: number; order: number } | undefined;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === '*'
          ? 1
          : range.type === '*' && range.subtype === '*'
            ? 0
            : -1;
    if (specificity < 0 || (best && best.specificity > specificity)) continue;
    best = { q: range.q, specificity, order: range.order };
  }
  return best && best.q > 0 ? best : undefined;
}

/**
 * The media type Apollo Server answers a single result with for `accept` (the same preference
 * as its `chooseContentTypeForSingleResultResponse`: highest q, then the more specific range,
 * then the range listed first; `application/json` on a tie and when `accept` is missing), or
 * null when it accepts neither (Apollo answers 406).
 */
export function preferredResponseType(accept: string | undefined): string | null {
  if (!accept) return JSON_TYPE;
  const ranges = parseAccept(accept);
  const json = bestMatch(ranges, JSON_TYPE);
  const graphql = bestMatch(ranges, GRAPHQL_RESPONSE_TYPE);
  if (!json) return graphql ? GRAPHQL_RESPONSE_TYPE : null;
  if (!graphql) return JSON_TYPE;
  const prefersGraphql =
    graphql.q !== json.q
      ? graphql.q > json.q
      : graphql.specificity !== json.specificity
        ? graphql.specificity > json.specificity
        : graphql.order < json.order;
  return prefersGraphql ? GRAPHQL_RESPONSE_TYPE : JSON_TYPE;
}

/**
 * A request error that GraphQL itself raised before execution: the document does not parse or
 * validate, or the variables do not coerce (graphql-js's `Variable "$…` messages).
 */
const isGraphQLRequestError = (error: GraphQLError): boolean => {
  const code = error.extensions?.code;
  return (
    code === 'GRAPHQL_PARSE_FAILED' ||
    code === 'GRAPHQL_VALIDATION_FAILED' ||
    (code === 'BAD_USER_INPUT' && error.message.startsWith('Variable "$'))
  );
};

/**
 * GraphQL over HTTP (§ application/json): a well-formed request whose operation fails to parse,
 * validate or coerce its variables SHOULD be answered 200 when the response is
 * `application/json` (the client reads `errors`); `application/graphql-response+json` keeps
 * Apollo Server's 400. Apollo Server answers 400 for both, so this plugin sets 200 on such
 * `application/json` answers — only when every error is one of those request errors (the
 * gateway's own refusals, e.g. operation limits, persisted queries, rate limits, keep their
 * status). graphql-http's audit (apps/embedded/e2e/graphql-http-audit.e2e.ts) checks it.
 */
export function requestErrorStatusPlugin<
  TContext extends BaseContext,
>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart({ request }) {
      return {
        async willSendResponse({ response, errors }) {
          if (response.body.kind !== 'single' || response.http.status !== 400) return;
          if (response.body.singleResult.data !== undefined) return;
          if (!errors?.length || !errors.every(isGraphQLRequestError)) return;
          const explicit = response.http.headers.get('content-type');
          const type = explicit ?? preferredResponseType(request.http?.headers.get('accept'));
          if (type === null || !type.startsWith(JSON_TYPE)) return;
          response.http.status = 200;
        },
      };
    },
  };
}
