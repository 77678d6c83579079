import { nodeEnv, optionalString, optionalUrl, port, type z } from '@shop/config';
import { subgraphEntry, type SubgraphName } from '@shop/schema/subgraphs';

/**
 * The variables every subgraph reads when it runs alone (`src/main.ts`); its `env.ts` spreads
 * these into its schema and adds its own. The default port is the registry's.
 */
export function standaloneEnv(name: SubgraphName) {
  return {
    NODE_ENV: nodeEnv(),
    PORT: port(subgraphEntry(name).port),
    HOST: optionalString().transform((value) => value ?? '127.0.0.1'),
    /** Postgres URL; when unset an embedded PGlite database is kept in `PGLITE_DIR`. */
    DATABASE_URL: optionalString(),
    PGLITE_DIR: optionalString().transform((value) => value ?? `.data/${name}`),
    /** The gateway's JWKS; when unset an ephemeral gateway key is generated for local testing. */
    GATEWAY_JWKS_URL: optionalUrl(),
  };
}

/** The event bus of a subgraph with an outbox or consumers: Kafka, or the log bus. */
export function eventBusEnv() {
  return {
    /** Comma-separated Kafka brokers; when unset the log bus in the database is used. */
    KAFKA_BROKERS: optionalString().transform((value) =>
      (value ?? '')
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker.length > 0),
    ),
  };
}

type ServiceUrlEnv<TCallee extends SubgraphName> = {
  [K in TCallee as `SUBGRAPH_${Uppercase<K>}_URL`]: z.ZodType<string, unknown>;
};

/**
 * The variables of a subgraph that calls others (its definition's `calls`): the key that signs
 * its service tokens and each callee's URL, by default the registry's.
 */
export function serviceCallEnv<const TCallee extends SubgraphName>(callees: readonly TCallee[]) {
  const urls = Object.fromEntries(
    callees.map((callee) => [
      serviceUrlVariable(callee),
      optionalUrl().transform((value) => value ?? subgraphEntry(callee).defaultUrl),
    ]),
  ) as unknown as ServiceUrlEnv<TCallee>;
  return {
    /** Private JWK (JSON) signing service tokens to the subgraphs it calls; generated when unset. */
    INTERNAL_PRIVATE_JWK: optionalString(),
    ...urls,
  };
}

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
  /** Present when the subgraph uses an event bus (its env spreads `eventBusEnv()`). */
  KAFKA_BROKERS?: string[];
  INTERNAL_PRIVATE_JWK?: string | undefined;
}
