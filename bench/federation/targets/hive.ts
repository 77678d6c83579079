/**
 * Targets **hive** and **hive-router**: Hive Gateway's runtime (`createGatewayRuntime` of
 * `@graphql-hive/gateway-runtime`, served by `node:http` as its documentation shows for Node)
 * over the benchmark's supergraph, default options; with HIVE_ROUTER=1 it plans with the Rust
 * query planner of Hive Router (`unifiedGraphHandler` of `@graphql-hive/router-runtime`, a
 * native addon shipped in `@graphql-hive/router-query-planner`). Subgraphs are reached with
 * `@graphql-mesh/transport-http`, the transport the Hive Gateway CLI uses.
 *
 * Env: PORT, SUPERGRAPH_FILE, HIVE_ROUTER (1 = router runtime).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** What this file uses of the runtime: a node:http handler that can be disposed. */
interface GatewayRuntime {
  (req: IncomingMessage, res: ServerResponse): void;
  dispose(): void | Promise<void>;
}
type CreateGatewayRuntime = (config: Record<string, unknown>) => GatewayRuntime;

// Imported through a non-literal specifier so TypeScript does not load these packages' types:
// they reference the DOM lib (@whatwg-node/fetch), which would change Node's globals for the
// whole bench project (`tsc -p bench` then fails in unrelated files).
const load = (specifier: string) => import(specifier) as Promise<Record<string, unknown>>;
const { createGatewayRuntime } = (await load('@graphql-hive/gateway-runtime')) as {
  createGatewayRuntime: CreateGatewayRuntime;
};
const routerRuntime = process.env.HIVE_ROUTER === '1';
const gateway = createGatewayRuntime({
  supergraph: readFileSync(process.env.SUPERGRAPH_FILE ?? '', 'utf8'),
  // The HTTP transport to the subgraphs: the runtime package does not bundle it (the CLI,
  // `@graphql-hive/gateway`, depends on it and loads it by default); its docs pass it like this.
  transports: { http: load('@graphql-mesh/transport-http') },
  ...(routerRuntime
    ? { unifiedGraphHandler: (await load('@graphql-hive/router-runtime')).unifiedGraphHandler }
    : {}),
});
const server = createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(
    `[hive${routerRuntime ? '-router' : ''}] listening on http://127.0.0.1:${process.env.PORT}/graphql`,
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close();
    server.closeAllConnections();
    void Promise.resolve(gateway.dispose()).finally(() => process.exit(0));
  });
}
