import { mintInternalToken, type Identity, type SigningKey } from '@shop/auth';

/** What a GraphQL HTTP call returned: the status plus the parsed body. */
export interface GraphQLHttpResult<TData = Record<string, unknown>> {
  status: number;
  body: {
    data?: TData | null;
    errors?: Array<{
      message: string;
      path?: Array<string | number>;
      extensions?: Record<string, unknown>;
    }>;
    extensions?: Record<string, unknown>;
  };
  headers: Headers;
}

export interface GraphQLCall {
  query: string;
  variables?: Record<string, unknown>;
  token?: string | undefined;
  headers?: Record<string, string>;
  operationName?: string;
}

/** POSTs one GraphQL operation as JSON and parses the answer (whatever the status). */
export async function postGraphQL<TData = Record<string, any>>(
  url: string,
  call: GraphQLCall,
): Promise<GraphQLHttpResult<TData>> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query: call.query,
      variables: call.variables,
      operationName: call.operationName,
    }),
  });
  const text = await response.text();
  let body: GraphQLHttpResult<TData>['body'];
  try {
    body = JSON.parse(text) as GraphQLHttpResult<TData>['body'];
  } catch {
    throw new Error(`non-JSON response (${response.status}): ${text.slice(0, 200)}`);
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * Calls a subgraph directly the way the gateway does: with an internal token minted by
 * `gatewayKey` for `identity` (or anonymous when null).
 */
export async function callSubgraph<TData = Record<string, any>>(
  options: { url: string; subgraph: string; gatewayKey: SigningKey; identity: Identity | null },
  call: Omit<GraphQLCall, 'token'>,
): Promise<GraphQLHttpResult<TData>> {
  const token = await mintInternalToken(options.gatewayKey, options.subgraph, options.identity);
  return postGraphQL<TData>(options.url, { ...call, token });
}
