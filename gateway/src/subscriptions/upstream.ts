import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface UpstreamSocketOptions {
  serviceName: string;
  /** `ws(s)://…/graphql` of the subgraph. */
  url: string;
  /** Called on every (re)connect, so each connection carries a freshly minted token. */
  connectionParams: () => Promise<Record<string, unknown>>;
  /** How long to keep reconnecting after the socket drops before giving up. */
  retryBudgetMs: number;
  /** Ping interval; an unanswered ping drops the socket after as long again. 0: no pings. */
  pingMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One graphql-ws connection to one subgraph for one auth scope, shared by every upstream
 * subscription of that scope. When the socket drops, the client reconnects with exponential
 * backoff (100 ms → 1 s, jittered) and re-sends its active subscriptions; after `retryBudgetMs`
 * without a successful connection every subscription's sink gets the transport error. With
 * `pingMs`, a ping that gets no pong within `pingMs` terminates the socket (then it reconnects):
 * a peer that vanished without closing the connection (no FIN/RST) would otherwise leave the
 * subscriptions silent forever.
 */
export class UpstreamSocket {
  readonly client: Client;
  /** Upstream subscriptions using this socket. */
  refs = 0;
  private failingSince: number | undefined;
  private disposed = false;
  private pongTimer: NodeJS.Timeout | undefined;
  /** The open WebSocket (set on every connect). */
  private socket: WebSocket | undefined;

  constructor(readonly options: UpstreamSocketOptions) {
    const pingMs = options.pingMs ?? 0;
    this.client = createClient({
      url: options.url,
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 0,
      connectionParams: options.connectionParams,
      retryAttempts: Number.MAX_SAFE_INTEGER,
      retryWait: async (retries) => {
        const base = Math.min(100 * 2 ** retries, 1_000);
        await sleep(base / 2 + Math.random() * (base / 2));
      },
      shouldRetry: () => {
        if (this.disposed) return false;
        const now = Date.now();
        this.failingSince ??= now;
        return now - this.failingSince < options.retryBudgetMs;
      },
      ...(pingMs > 0 ? { keepAlive: pingMs } : {}),
      on: {
        connected: (socket) => {
          this.failingSince = undefined;
          this.socket = socket as WebSocket;
        },
        ping: (received) => {
          if (received || pingMs <= 0) return;
          clearTimeout(this.pongTimer);
          this.pongTimer = setTimeout(() => {
            // A retryable close (4499) for the subscriptions' retry loop; the socket itself is
            // destroyed so a peer that was only stalled cannot deliver stale events later.
            const stale = this.socket;
            this.client.terminate();
            stale?.terminate();
          }, pingMs);
          this.pongTimer.unref();
        },
        pong: (received) => {
          if (received) clearTimeout(this.pongTimer);
        },
        closed: () => {
          clearTimeout(this.pongTimer);
          this.socket = undefined;
        },
      },
    });
  }

  get serviceName(): string {
    return this.options.serviceName;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.pongTimer);
    void this.client.dispose();
  }
}

/** `http://host/graphql` → `ws://host/graphql` (https → wss). */
export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//i, (_match, secure: string) => `ws${secure}://`);
}
