import { request, Agent } from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

/**
 * Test clients that each come from their own loopback address (127.x.y.z), so the gateways'
 * per-IP limits see many clients, as in production, and never this test runner as one abuser.
 */

let runOctet = 0;
let nextClient = 0;

/**
 * A fresh source address for one virtual client. The second octet is random per run, so the
 * rate-limit counters an earlier run left in Redis (per IP, up to an hour) never apply.
 */
export function clientAddress(): string {
  if (runOctet === 0) runOctet = 2 + Math.floor(Math.random() * 250);
  nextClient += 1;
  return `127.${runOctet}.${(nextClient >> 8) & 255}.${nextClient & 255 || 1}`;
}

/** The second octet of this run's client addresses (`127.<octet>.*`). */
export function runAddressOctet(): number {
  if (runOctet === 0) clientAddress();
  return runOctet;
}

export interface GraphQLResponse {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  };
}

/** One virtual client: HTTP calls from its own source address, with its token once signed in. */
export class VirtualClient {
  readonly address = clientAddress();
  token: string | undefined;
  private readonly agent = new Agent({
    keepAlive: true,
    localAddress: this.address,
    maxSockets: 2,
  });

  constructor(readonly gatewayUrl: string) {}

  /** POSTs one operation (JSON); rejects on transport errors and timeouts only. */
  gql(
    query: string,
    variables: Record<string, unknown> = {},
    timeoutMs = 15_000,
  ): Promise<GraphQLResponse> {
    const body = JSON.stringify({ query, variables });
    const url = new URL(this.gatewayUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent: this.agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(text) as GraphQLResponse['body'],
              });
            } catch {
              reject(new Error(`non-JSON answer (${res.statusCode}): ${text.slice(0, 200)}`));
            }
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One message a subscriber got: the payload's data or errors, and when. */
export interface Delivery {
  at: number;
  data?: Record<string, any> | null | undefined;
  errors?: unknown;
}

/** A live subscription of one client; `ended` says why it stopped (error, completion). */
export interface LiveSubscription {
  transport: 'graphql-ws' | 'multipart';
  deliveries: Delivery[];
  ended: string | undefined;
  close(): void;
}

/**
 * One graphql-ws connection of a client (from its own address, with its token); several
 * subscriptions share it, as in a browser tab.
 */
export class WsConnection {
  private readonly client: Client;

  constructor(gatewayUrl: string, virtualClient: VirtualClient) {
    const localAddress = virtualClient.address;
    class FromAddress extends WebSocket {
      constructor(address: string | URL, protocols?: string | string[]) {
        super(address, protocols, { localAddress });
      }
    }
    this.client = createClient({
      url: gatewayUrl.replace(/^http/, 'ws'),
      webSocketImpl: FromAddress,
      connectionParams: { authorization: `Bearer ${virtualClient.token}` },
      retryAttempts: 0,
      lazy: true,
    });
  }

  subscribe(query: string, variables: Record<string, unknown>): LiveSubscription {
    const subscription: LiveSubscription = {
      transport: 'graphql-ws',
      deliveries: [],
      ended: undefined,
      close: () => unsubscribe(),
    };
    const unsubscribe = this.client.subscribe(
      { query, variables },
      {
        next: (value) =>
          subscription.deliveries.push({ at: Date.now(), data: value.data, errors: value.errors }),
        error: (error) => {
          subscription.ended = `error: ${describe(error)}`;
        },
        complete: () => {
          subscription.ended ??= 'complete';
        },
      },
    );
    return subscription;
  }

  close(): void {
    void this.client.dispose();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === 'object' && 'code' in error) {
    const { code, reason } = error as { code: number; reason?: string };
    return `close ${code} ${reason ?? ''}`.trim();
  }
  return JSON.stringify(error)?.slice(0, 200) ?? String(error);
}

/**
 * Subscribes over Apollo's multipart HTTP protocol (`subscriptionSpec=1.0`) from the client's
 * own address; parses `--graphql` parts, skips `{}` heartbeats.
 */
export function subscribeMultipart(
  gatewayUrl: string,
  client: VirtualClient,
  query: string,
  variables: Record<string, unknown>,
): LiveSubscription {
  const url = new URL(gatewayUrl);
  const body = JSON.stringify({ query, variables });
  const subscription: LiveSubscription = {
    transport: 'multipart',
    deliveries: [],
    ended: undefined,
    close: () => req.destroy(),
  };
  const req = request(
    {
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      localAddress: client.address,
      headers: {
        'content-type': 'application/json',
        accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
        'content-length': Buffer.byteLength(body),
        authorization: `Bearer ${client.token}`,
      },
    },
    (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (;;) {
          const boundary = buffer.indexOf('\r\n--graphql');
          if (boundary < 0) break;
          const part = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + '\r\n--graphql'.length);
          const json = part.slice(part.indexOf('\r\n\r\n') + 4).trim();
          if (!json.startsWith('{')) continue;
          let parsed: {
            payload?: { data?: unknown; errors?: unknown } | null;
            errors?: unknown;
            data?: unknown;
          };
          try {
            parsed = JSON.parse(json) as typeof parsed;
          } catch {
            continue;
          }
          if (parsed.payload) {
            subscription.deliveries.push({
              at: Date.now(),
              data: parsed.payload.data as Delivery['data'],
              errors: parsed.payload.errors,
            });
          } else if (parsed.payload === null || parsed.errors) {
            subscription.ended = `error: ${JSON.stringify(parsed.errors).slice(0, 200)}`;
          } else if (parsed.data !== undefined) {
            // a plain JSON answer (e.g. an error before the stream started)
            subscription.ended = `error: ${json.slice(0, 200)}`;
          }
        }
      });
      res.on('end', () => {
        if (res.statusCode !== 200)
          subscription.ended ??= `error: HTTP ${res.statusCode} ${buffer.slice(0, 200)}`;
        subscription.ended ??= 'complete';
      });
      res.on('error', (error) => {
        subscription.ended ??= `error: ${error.message}`;
      });
    },
  );
  req.on('error', (error) => {
    subscription.ended ??= `error: ${error.message}`;
  });
  req.end(body);
  return subscription;
}
