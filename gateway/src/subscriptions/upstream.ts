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
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One graphql-ws connection to one subgraph for one auth scope, shared by every upstream
 * subscription of that scope. When the socket drops, the client reconnects with exponential
 * backoff (100 ms → 1 s, jittered) and re-sends its active subscriptions; after `retryBudgetMs`
 * without a successful connection every subscription's sink gets the transport error.
 */
export class UpstreamSocket {
  readonly client: Client;
  /** Upstream subscriptions using this socket. */
  refs = 0;
  private failingSince: number | undefined;
  private disposed = false;

  constructor(readonly options: UpstreamSocketOptions) {
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
      on: {
        connected: () => {
          this.failingSince = undefined;
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
    void this.client.dispose();
  }
}

/** `http://host/graphql` → `ws://host/graphql` (https → wss). */
export function toWebSocketUrl(url: string): string {
  return url.replace(/^http(s?):\/\//i, (_match, secure: string) => `ws${secure}://`);
}
