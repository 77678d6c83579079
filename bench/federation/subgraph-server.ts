/**
 * One subgraph of the federation benchmark as its own process: `buildSubgraphSchema` over the
 * in-memory data, served by a bare `node:http` server (POST /graphql, JSON in and out; parsed
 * and validated documents cached by text), so the subgraphs cost the same under every target.
 *
 * GET /stats answers `{ requests }`: the GraphQL requests served so far (the harness reads it
 * around each load for subgraph requests per query). GET /record?on=1 starts keeping every
 * request body, GET /record returns them and stops (the direct target replays them).
 *
 * Env: SUBGRAPH (accounts | products | inventory | reviews), PORT. Started by `run.ts`.
 */
import { createServer } from 'node:http';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { execute, parse, validate, type DocumentNode } from 'graphql';
import { SUBGRAPHS, SUBGRAPH_NAMES, type SubgraphName } from './subgraphs';

const name = process.env.SUBGRAPH as SubgraphName;
if (!SUBGRAPH_NAMES.includes(name)) throw new Error(`SUBGRAPH must be one of ${SUBGRAPH_NAMES}`);
const definition = SUBGRAPHS[name];
const schema = buildSubgraphSchema({
  typeDefs: parse(definition.sdl),
  resolvers: definition.resolvers,
});

/** Parsed and validated documents by query text (the gateways send a handful of shapes). */
const documents = new Map<string, DocumentNode | Error>();
function documentOf(query: string): DocumentNode | Error {
  let document = documents.get(query);
  if (document === undefined) {
    try {
      const parsed = parse(query);
      const errors = validate(schema, parsed);
      document = errors.length > 0 ? new Error(errors.map((e) => e.message).join('; ')) : parsed;
    } catch (error) {
      document = error instanceof Error ? error : new Error(String(error));
    }
    if (documents.size < 1_000) documents.set(query, document);
  }
  return document;
}

let requests = 0;
let recording: string[] | undefined;

interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

const server = createServer((req, res) => {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  };
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/stats') return send(200, { requests });
  if (req.method === 'GET' && url.pathname === '/record') {
    if (url.searchParams.get('on') === '1') {
      recording = [];
      return send(200, { recording: true });
    }
    const bodies = recording ?? [];
    recording = undefined;
    return send(200, { bodies });
  }
  if (req.method !== 'POST' || url.pathname !== '/graphql')
    return send(404, { error: 'not found' });
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    requests += 1;
    const text = Buffer.concat(chunks).toString('utf8');
    recording?.push(text);
    let body: GraphQLRequestBody;
    try {
      body = JSON.parse(text) as GraphQLRequestBody;
    } catch {
      return send(400, { errors: [{ message: 'malformed JSON' }] });
    }
    const document = documentOf(body.query ?? '');
    if (document instanceof Error) return send(400, { errors: [{ message: document.message }] });
    // Every resolver is synchronous: execute returns the result itself.
    const result = execute({
      schema,
      document,
      variableValues: body.variables ?? undefined,
      operationName: body.operationName ?? undefined,
    });
    if (result instanceof Promise) {
      result.then(
        (value) => send(200, value),
        (error: unknown) => send(500, { errors: [{ message: String(error) }] }),
      );
    } else {
      send(200, result);
    }
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(`[${name}] listening on http://127.0.0.1:${process.env.PORT}/graphql`);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
