import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadSigningKey, type SigningKey } from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { prepareProductDatabase, startProductSubgraph } from '@shop/product-subgraph';
import { readCommittedSupergraph } from '@shop/schema';
import type { RunningSubgraph } from '@shop/subgraph';
import { prepareUserDatabase, startUserSubgraph } from '@shop/user-subgraph';
import { startGateway, type RunningGateway } from './gateway';

export interface EmbeddedGraphOptions {
  /** Postgres URL; PGlite when absent. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; in memory when absent. */
  dataDir?: string | undefined;
  host?: string;
  /** Gateway port; 0 for a free one. */
  port?: number;
  /** `sequential`: subgraphs on port+1, port+2…; `random`: free ports. */
  subgraphPorts?: 'sequential' | 'random';
  seed?: boolean;
  accessTokenKey?: SigningKey;
  gatewayKey?: SigningKey;
  production?: boolean;
}

export interface EmbeddedGraph {
  gatewayUrl: string;
  subgraphs: Record<string, RunningSubgraph>;
  gateway: RunningGateway;
  database: Database;
  accessTokenKey: SigningKey;
  gatewayKey: SigningKey;
  stop(): Promise<void>;
}

/**
 * Runs the whole graph in one process: one database (PGlite or Postgres), every subgraph on its
 * own HTTP port (so federation is real), and the gateway in front. Used by `pnpm start` and by
 * the end-to-end tests.
 */
export async function startEmbeddedGraph(
  options: EmbeddedGraphOptions = {},
): Promise<EmbeddedGraph> {
  if (!options.databaseUrl && options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const database = await createDatabase({
    url: options.databaseUrl,
    dataDir: options.databaseUrl || !options.dataDir ? undefined : join(options.dataDir, 'pglite'),
    maxConnections: 20,
  });
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const seed = options.seed ?? true;
    await prepareUserDatabase(database, { seed });
    await prepareProductDatabase(database, { seed });

    const accessTokenKey = options.accessTokenKey ?? (await loadSigningKey());
    const gatewayKey = options.gatewayKey ?? (await loadSigningKey());
    const basePort = options.port ?? 0;
    const portFor = (offset: number) =>
      options.subgraphPorts === 'random' || basePort === 0 ? 0 : basePort + offset;
    const host = options.host ?? '127.0.0.1';
    const gatewayKeys = [gatewayKey];

    const user = await startUserSubgraph({
      database,
      gatewayKeys,
      accessTokenKey,
      port: portFor(1),
      host,
    });
    started.push(user);
    const product = await startProductSubgraph({ database, gatewayKeys, port: portFor(2), host });
    started.push(product);
    const subgraphs: Record<string, RunningSubgraph> = { user, product };

    const gateway = await startGateway({
      supergraphSdl: readCommittedSupergraph(),
      subgraphUrls: Object.fromEntries(Object.entries(subgraphs).map(([name, s]) => [name, s.url])),
      accessTokenKeys: new URL('/.well-known/jwks.json', user.url),
      signingKey: gatewayKey,
      port: basePort,
      host,
      ...(options.production ? { production: true } : {}),
    });

    let stopped = false;
    return {
      gatewayUrl: gateway.url,
      subgraphs,
      gateway,
      database,
      accessTokenKey,
      gatewayKey,
      async stop() {
        if (stopped) return;
        stopped = true;
        await gateway.stop();
        await Promise.all(Object.values(subgraphs).map((subgraph) => subgraph.stop()));
        await database.close();
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    await database.close().catch(() => undefined);
    throw error;
  }
}
