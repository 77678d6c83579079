import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';
import { setLogSink } from '@shop/log';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { loadSigningKey, mintInternalToken } from '@shop/auth';
import {
  createServiceClient,
  createSubgraph,
  formatError,
  isTransientDatabaseError,
  ServiceCallError,
  type BaseSubgraphContext,
} from '../src';

// The CommonJS graphql that @apollo/subgraph builds its schema with (see jit.ts).
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

const DATABASE_URL = process.env.DATABASE_URL;

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('service calls to a subgraph that cannot answer', () => {
  it('a refused connection, a connection cut mid-request and a timeout are SERVICE_UNAVAILABLE', async () => {
    const key = await loadSigningKey();
    // Accepts the request, then closes the socket without answering (a replica killed mid-call).
    const cutter = createServer((socket) => socket.once('data', () => socket.destroy()));
    // Accepts the request and never answers.
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket));
    const listen = (server: Server) =>
      new Promise<number>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
      );
    const [cutPort, silentPort] = [await listen(cutter), await listen(silent)];
    try {
      const client = createServiceClient({
        self: 'order',
        key,
        timeoutMs: 300,
        urls: {
          refused: 'http://127.0.0.1:1/graphql',
          cut: `http://127.0.0.1:${cutPort}/graphql`,
          silent: `http://127.0.0.1:${silentPort}/graphql`,
        },
      });
      for (const [callee, why] of [
        ['refused', 'unreachable'],
        ['cut', 'unreachable'],
        ['silent', 'no answer within 300 ms'],
      ] as const) {
        const failure = await failureOf(() => client.call(callee, '{ __typename }'));
        expect(failure).toBeInstanceOf(ServiceCallError);
        expect(failure).toMatchObject({ subgraph: callee, code: 'SERVICE_UNAVAILABLE' });
        expect((failure as Error).message).toBe(`${callee}: ${why}`);
        // A resolver that lets it through answers the typed, retryable error.
        const silenced = setLogSink(() => {});
        try {
          expect(formatError({ message: 'x' }, failure).extensions).toEqual({
            code: 'SERVICE_UNAVAILABLE',
            retryable: true,
          });
        } finally {
          setLogSink(silenced);
        }
      }
    } finally {
      cutter.close();
      held.forEach((socket) => socket.destroy());
      silent.close();
    }
  });
});

describe('transient database errors', () => {
  it('recognises a refused connection, wrapped or not, and nothing else', async () => {
    const refused = await failureOf(async () => {
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x' });
      await client.connect();
    });
    expect(isTransientDatabaseError(refused)).toBe(true);
    expect(isTransientDatabaseError(new Error('Failed query: insert', { cause: refused }))).toBe(
      true,
    );
    expect(
      isTransientDatabaseError(new ServiceCallError('product', 'x', 'SERVICE_UNAVAILABLE')),
    ).toBe(true);
    expect(isTransientDatabaseError(new ServiceCallError('product', 'x', 'BAD_USER_INPUT'))).toBe(
      false,
    );
    expect(isTransientDatabaseError(new Error('boom'))).toBe(false);
    expect(isTransientDatabaseError(undefined)).toBe(false);
  });

  it.runIf(DATABASE_URL)('does not treat a query error of a live server as transient', async () => {
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    try {
      const syntax = await failureOf(() => client.query('selec 1'));
      expect((syntax as { code?: string }).code).toBe('42601');
      expect(isTransientDatabaseError(syntax)).toBe(false);
      // An administrator ending the session is (the server is restarting or failing over).
      const other = new pg.Client({ connectionString: DATABASE_URL });
      other.on('error', () => {});
      await other.connect();
      const pid = (await other.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!
        .pid;
      await client.query('select pg_terminate_backend($1)', [pid]);
      const terminated = await failureOf(() => other.query('select 1'));
      expect(isTransientDatabaseError(terminated)).toBe(true);
      await other.end().catch(() => undefined);
    } finally {
      await client.end();
    }
  });

  it('reaches clients as a retryable SERVICE_UNAVAILABLE, not a masked internal error', async () => {
    const refused = await failureOf(async () => {
      const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:1/x' });
      await client.connect();
    });
    const silenced = setLogSink(() => {});
    try {
      expect(formatError({ message: 'connect ECONNREFUSED', path: ['checkout'] }, refused)).toEqual(
        {
          message: 'The service is temporarily unavailable; retry the request',
          path: ['checkout'],
          extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
        },
      );
    } finally {
      setLogSink(silenced);
    }
    setLogSink(() => {});
    try {
      expect(formatError({ message: 'boom' }, new Error('boom')).extensions?.code).toBe(
        'INTERNAL_SERVER_ERROR',
      );
    } finally {
      setLogSink(silenced);
    }
  });

  it.runIf(DATABASE_URL)(
    'answers a statement past statement_timeout (57014) with a retryable SERVICE_UNAVAILABLE',
    async () => {
      const pool = new pg.Pool({ connectionString: DATABASE_URL, statement_timeout: 200 });
      const key = await loadSigningKey();
      const subgraph = await createSubgraph<BaseSubgraphContext>({
        name: 'slow',
        typeDefs: graphql.parse('type Query { slow: String, fast: String }'),
        resolvers: {
          Query: {
            slow: async () => (await pool.query('select pg_sleep(3)::text as v')).rows[0].v,
            fast: async () => (await pool.query(`select 'ok' as v`)).rows[0].v,
          },
        },
        gatewayKeys: [key],
        context: (base) => base,
        host: '127.0.0.1',
      });
      const logged: string[] = [];
      const previousSink = setLogSink((level, line) => logged.push(`${level} ${line}`));
      try {
        const response = await fetch(new URL('/graphql', subgraph.url), {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${await mintInternalToken(key, 'slow', null)}`,
          },
          body: JSON.stringify({ query: '{ slow fast }' }),
        });
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          data: unknown;
          errors: Array<{ message: string; extensions: Record<string, unknown> }>;
        };
        expect(body.data).toEqual({ slow: null, fast: 'ok' });
        expect(body.errors).toEqual([
          {
            message: 'The service is temporarily unavailable; retry the request',
            path: ['slow'],
            locations: [{ line: 1, column: 3 }],
            extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
          },
        ]);
        expect(JSON.stringify(logged)).toMatch(/statement timeout/);
      } finally {
        setLogSink(previousSink);
        await subgraph.stop();
        await pool.end();
      }
    },
  );
});
