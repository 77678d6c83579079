/**
 * The subgraphs composed into the supergraph: name (as in `join__Graph`), the default URL the
 * composed file records, and where the SDL lives. The gateway overrides URLs at run time with
 * `SUBGRAPH_<NAME>_URL`; this list is the single place a new subgraph is registered.
 */
export interface SubgraphEntry {
  name: string;
  defaultUrl: string;
  sdlPath: URL;
}

const sdl = (name: string) =>
  new URL(`../../subgraphs/${name}/src/schema.graphql`, import.meta.url);

export const SUBGRAPHS: readonly SubgraphEntry[] = [
  { name: 'user', defaultUrl: 'http://127.0.0.1:4001/graphql', sdlPath: sdl('user') },
  { name: 'product', defaultUrl: 'http://127.0.0.1:4002/graphql', sdlPath: sdl('product') },
  { name: 'cart', defaultUrl: 'http://127.0.0.1:4003/graphql', sdlPath: sdl('cart') },
  { name: 'order', defaultUrl: 'http://127.0.0.1:4004/graphql', sdlPath: sdl('order') },
  { name: 'payment', defaultUrl: 'http://127.0.0.1:4005/graphql', sdlPath: sdl('payment') },
  {
    name: 'notification',
    defaultUrl: 'http://127.0.0.1:4006/graphql',
    sdlPath: sdl('notification'),
  },
  { name: 'analytics', defaultUrl: 'http://127.0.0.1:4007/graphql', sdlPath: sdl('analytics') },
];

/** Where the committed supergraph lives. */
export const SUPERGRAPH_PATH = new URL('../supergraph.graphql', import.meta.url);
