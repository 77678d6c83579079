import type { EnvSchema } from '@shop/packaging';
import { SUBGRAPHS, type RegisteredSubgraph } from '@shop/schema/subgraphs';

/** The gateway's port (gateway/src/env.ts default; compose and the embedded graph use it too). */
export const GATEWAY_PORT = 4000;

/** One process to deploy: the gateway or a registered subgraph, with its own env schema. */
export interface ServiceSpec {
  name: string;
  kind: 'gateway' | 'subgraph';
  /** Port it listens on (the registry's port for a subgraph). */
  port: number;
  /** Its env schema (`envSchema` of its `src/env.ts`), read for the variables it accepts. */
  schema: EnvSchema;
}

/** The folder of a service in the repository. */
export const serviceDir = (service: Pick<ServiceSpec, 'name' | 'kind'>) =>
  service.kind === 'gateway' ? 'gateway' : `subgraphs/${service.name}`;

const REPO_ROOT = new URL('../../', import.meta.url);

/** Loads `envSchema` from a service's `src/env.ts` (by path: packages export only their index). */
async function loadEnvSchema(dir: string): Promise<EnvSchema> {
  const module = (await import(new URL(`${dir}/src/env.ts`, REPO_ROOT).href)) as {
    envSchema?: EnvSchema;
  };
  if (!module.envSchema) throw new Error(`${dir}/src/env.ts exports no envSchema`);
  return module.envSchema;
}

/** A subgraph of the registry as a deployable service. */
export async function subgraphService(entry: RegisteredSubgraph): Promise<ServiceSpec> {
  const spec = { name: entry.name, kind: 'subgraph' as const, port: entry.port };
  return { ...spec, schema: await loadEnvSchema(serviceDir(spec)) };
}

/**
 * Everything to deploy: the gateway, then every subgraph of schema/src/subgraphs.ts, each with
 * its own env schema. Nothing else lists services: a new registry entry is deployed as it is.
 */
export async function loadServices(
  registry: readonly RegisteredSubgraph[] = SUBGRAPHS,
): Promise<ServiceSpec[]> {
  const gateway: ServiceSpec = {
    name: 'gateway',
    kind: 'gateway',
    port: GATEWAY_PORT,
    schema: await loadEnvSchema('gateway'),
  };
  return [gateway, ...(await Promise.all(registry.map(subgraphService)))];
}
