/**
 * Target **stock**: `new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) })` and
 * `startStandaloneServer`, default options, over the benchmark's supergraph (the subgraph URLs
 * are in it).
 *
 * Env: PORT, SUPERGRAPH_FILE.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

const server = new ApolloServer({
  gateway: new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_FILE ?? '', 'utf8'),
  }),
});
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
});
console.log(`[stock] listening on ${url}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.stop().finally(() => process.exit(0));
  });
}
