import { optionalString, optionalUrl, port } from '@shop/config';
import { subgraphEntry, type SubgraphName } from '@shop/schema/subgraphs';

/*
 * Variables a subgraph reads when it runs alone (`src/main.ts`). Its `env.ts` names each one
 * (NODE_ENV, PORT, HOST, DATABASE_URL, PGLITE_DIR, GATEWAY_JWKS_URL; KAFKA_BROKERS with a bus;
 * INTERNAL_PRIVATE_JWK and SUBGRAPH_<NAME>_URL when it calls others) with these parsers, so the
 * defaults come from the registry; `runSubgraph` reads them as a {@link StandaloneEnv}.
 */

/** PORT: the registry's port of `name` by default. */
export const registryPort = (name: SubgraphName) => port(subgraphEntry(name).port);

/** HOST: the interface to listen on, loopback by default. */
export const listenHost = () => optionalString().transform((value) => value ?? '127.0.0.1');

/** PGLITE_DIR: where PGlite keeps the database when DATABASE_URL is unset; `.data/<name>`. */
export const pgliteDir = (name: SubgraphName) =>
  optionalString().transform((value) => value ?? `.data/${name}`);

/** KAFKA_BROKERS: comma-separated; none (the log bus in the database) by default. */
export const kafkaBrokers = () =>
  optionalString().transform((value) =>
    (value ?? '')
      .split(',')
      .map((broker) => broker.trim())
      .filter((broker) => broker.length > 0),
  );

/** SUBGRAPH_<NAME>_URL: where a subgraph it calls listens; the registry's URL by default. */
export const subgraphUrl = (name: SubgraphName) =>
  optionalUrl().transform((value) => value ?? subgraphEntry(name).defaultUrl);

/** `SUBGRAPH_<NAME>_URL`: where a standalone subgraph finds `name`. */
export function serviceUrlVariable(name: string): string {
  return `SUBGRAPH_${name.toUpperCase().replaceAll('-', '_')}_URL`;
}

/** What `runSubgraph` reads from a parsed standalone environment. */
export interface StandaloneEnv {
  PORT: number;
  HOST: string;
  DATABASE_URL?: string | undefined;
  PGLITE_DIR: string;
  GATEWAY_JWKS_URL?: string | undefined;
  /** Declared when it has an outbox or consumers: then it starts a bus (Kafka or the log bus). */
  KAFKA_BROKERS?: string[];
  INTERNAL_PRIVATE_JWK?: string | undefined;
}
