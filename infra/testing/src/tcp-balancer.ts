import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A round-robin TCP balancer in front of the replicas of one service (test support only). */
export interface TcpBalancer {
  /** `127.0.0.1:<port>` clients connect to. */
  address: string;
  port: number;
  /** Replica addresses (`host:port`), in rotation order. */
  readonly backends: readonly string[];
  /** Replaces the replica list (e.g. after a replica restarted on a new port). */
  setBackends(backends: readonly string[]): void;
  /** Connections made to each backend so far. */
  connections(): Map<string, number>;
  close(): Promise<void>;
}

const parse = (backend: string) => {
  const at = backend.lastIndexOf(':');
  return { host: backend.slice(0, at), port: Number(backend.slice(at + 1)) };
};

/**
 * Listens on 127.0.0.1 (`port`, default: any free one) and pipes each accepted connection to
 * the next backend in turn; a backend that refuses the connection is skipped (the next one is
 * tried), as a load balancer's health check would. When a backend dies, the connections piped
 * to it are closed on both sides, so clients see the loss and reconnect (to another replica).
 */
export async function startTcpBalancer(
  backends: readonly string[],
  options: {
    port?: number;
    /**
     * `client`: connect to the backend from the client's own loopback address (127.x.y.z), so a
     * backend that limits per client IP sees each test client as its own IP, as behind a real
     * load balancer that forwards the client address. Default `balancer` (127.0.0.1).
     */
    sourceAddress?: 'balancer' | 'client';
  } = {},
): Promise<TcpBalancer> {
  let targets = [...backends];
  let next = 0;
  const counts = new Map<string, number>();
  const open = new Set<Socket>();

  const connect = (client: Socket, attempt: number) => {
    if (targets.length === 0 || attempt >= targets.length) {
      client.destroy();
      return;
    }
    const backend = targets[next % targets.length]!;
    next = (next + 1) % Math.max(targets.length, 1);
    const from = client.remoteAddress?.replace(/^::ffff:/, '');
    const upstream = createConnection({
      ...parse(backend),
      ...(options.sourceAddress === 'client' && from ? { localAddress: from } : {}),
    });
    open.add(upstream);
    let piped = false;
    upstream.once('connect', () => {
      piped = true;
      counts.set(backend, (counts.get(backend) ?? 0) + 1);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      if (!piped) {
        open.delete(upstream);
        connect(client, attempt + 1);
      } else client.destroy();
    });
    upstream.on('close', () => {
      open.delete(upstream);
      if (piped) client.destroy();
    });
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    connect(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    address: `127.0.0.1:${port}`,
    port,
    get backends() {
      return targets;
    },
    setBackends(list) {
      targets = [...list];
    },
    connections: () => new Map(counts),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
