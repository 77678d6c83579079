/**
 * The subgraphs composed into the supergraph: name (as in `join__Graph`), the default URL the
 * composed file records, and where the SDL lives. The gateway overrides URLs at run time with
 * `SUBGRAPH_<NAME>_URL`; this list is the single place a new subgraph is registered.
 */
export interface SubgraphEntry {
  name: string;
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

const sdl = (name: string) =>
  new URL(`../../subgraphs/${name}/src/schema.graphql`, import.meta.url);

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  {
    name: 'user',
    defaultUrl: 'http://127.0.0.1:4001/graphql',
    sdlPath: sdl('user'),
    owns: ['User'],
  },
  {
    name: 'product',
    defaultUrl: 'http://127.0.0.1:4002/graphql',
    sdlPath: sdl('product'),
    owns: ['Product', 'Variant'],
  },
  {
    name: 'cart',
    defaultUrl: 'http://127.0.0.1:4003/graphql',
    sdlPath: sdl('cart'),
    owns: ['Cart'],
  },
  {
    name: 'order',
    defaultUrl: 'http://127.0.0.1:4004/graphql',
    sdlPath: sdl('order'),
    owns: ['Order'],
  },
  {
    name: 'payment',
    defaultUrl: 'http://127.0.0.1:4005/graphql',
    sdlPath: sdl('payment'),
    owns: ['Payment'],
  },
  {
    name: 'notification',
    defaultUrl: 'http://127.0.0.1:4006/graphql',
    sdlPath: sdl('notification'),
  },
  { name: 'analytics', defaultUrl: 'http://127.0.0.1:4007/graphql', sdlPath: sdl('analytics') },
];

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
