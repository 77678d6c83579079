import type { ServiceSpec } from './services';
import { serviceDir } from './services';

const REPO_ROOT = new URL('../../', import.meta.url);

/** A subgraph definition as `defineSubgraph()` returns it: its name and the subgraphs it calls. */
interface DefinitionLike {
  name: string;
  calls?: readonly string[];
}

/** The `calls` of a subgraph's definition (`src/subgraph.ts`, `defineSubgraph({ calls })`). */
export async function declaredCalls(service: ServiceSpec): Promise<string[]> {
  const module = (await import(
    new URL(`${serviceDir(service)}/src/subgraph.ts`, REPO_ROOT).href
  )) as Record<string, unknown>;
  const definition = Object.values(module).find(
    (value): value is DefinitionLike =>
      typeof value === 'object' &&
      value !== null &&
      (value as { name?: unknown }).name === service.name &&
      'setup' in value,
  );
  if (!definition) throw new Error(`${serviceDir(service)}/src/subgraph.ts: no definition`);
  return [...(definition.calls ?? [])];
}

/**
 * Who calls each subgraph according to the code, independently of the env bindings: the
 * gateway (it routes to every subgraph) and each subgraph whose definition lists it in `calls`
 * (the service client: cart → product, order → cart and product, payment → order).
 */
export async function callersFromCode(
  services: readonly ServiceSpec[],
): Promise<Record<string, string[]>> {
  const subgraphs = services.filter((service) => service.kind === 'subgraph');
  const calls = new Map(
    await Promise.all(
      subgraphs.map(async (service) => [service.name, await declaredCalls(service)] as const),
    ),
  );
  return Object.fromEntries(
    subgraphs.map((target) => [
      target.name,
      [
        'gateway',
        ...subgraphs
          .filter((caller) => calls.get(caller.name)?.includes(target.name))
          .map((caller) => caller.name),
      ].sort(),
    ]),
  );
}
