/**
 * The subgraphs composed into the supergraph; this list is the single place a subgraph is
 * registered. Composition reads each SDL from here, the embedded runner (`pnpm start`) starts
 * them in this order, each subgraph's standalone `main.ts` takes its default port from here, and
 * the gateway overrides the recorded URLs at run time with `SUBGRAPH_<NAME>_URL`.
 */
export interface SubgraphEntry {
  /** As in `join__Graph`; also the internal tokens' audience and the folder under subgraphs/. */
  name: string;
  /** The URL the composed file records. */
  defaultUrl: string;
  sdlPath: URL;
  /**
   * Entity types this subgraph owns (schema/README.md § Entity ownership): it resolves the
   * entity's own fields; other subgraphs only reference it or contribute fields to it. Read by
   * the nullability audit (`nonnull-audit.ts`), where a declared owner takes precedence over the
   * subgraph that resolves the most of the entity's fields.
   */
  owns?: readonly string[];
}

/** A subgraph of this repository: what composition needs, and how it is run and packaged. */
export interface RegisteredSubgraph extends SubgraphEntry {
  /**
   * Port when run alone (`src/main.ts`, also in `defaultUrl`); in the embedded graph it listens
   * on the gateway's port plus `port - 4000`.
   */
  port: number;
  /** Its workspace package. */
  packageName: string;
}

/** One registry entry: the package, URL and SDL path follow from the name and the port. */
function subgraph<const TName extends string>(
  name: TName,
  port: number,
  owns?: readonly string[],
): RegisteredSubgraph & { name: TName } {
  return {
    name,
    port,
    packageName: `@shop/${name}-subgraph`,
    defaultUrl: `http://127.0.0.1:${port}/graphql`,
    sdlPath: new URL(`../../subgraphs/${name}/src/schema.graphql`, import.meta.url),
    ...(owns ? { owns } : {}),
  };
}

export const SUBGRAPHS = [
  subgraph('user', 4001, ['User']),
  subgraph('product', 4002, ['Product', 'Variant']),
  subgraph('cart', 4003, ['Cart']),
  subgraph('order', 4004, ['Order']),
  subgraph('payment', 4005, ['Payment']),
  subgraph('notification', 4006),
  subgraph('analytics', 4007),
] as const;

/** The name of a registered subgraph. */
export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

/** The registry entry of `name`. */
export function subgraphEntry(name: SubgraphName): RegisteredSubgraph {
  const entry = SUBGRAPHS.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no subgraph "${name}" in schema/src/subgraphs.ts`);
  return entry;
}

/** Declared entity owners of the registry: entity type name → subgraph name. */
export function entityOwners(
  entries: readonly SubgraphEntry[] = SUBGRAPHS,
): Record<string, string> {
  const owners: Record<string, string> = {};
  for (const entry of entries) {
    for (const type of entry.owns ?? []) {
      if (owners[type] !== undefined)
        throw new Error(`${type} is owned by both ${owners[type]} and ${entry.name}`);
      owners[type] = entry.name;
    }
  }
  return owners;
}

/** Where the committed supergraph lives. */
export const SUPERGRAPH_PATH = new URL('../supergraph.graphql', import.meta.url);
