import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { RouteHandler } from '@shop/http';

const require = createRequire(import.meta.url);

/** Browser assets for GraphiQL, served from installed npm packages (no CDN). */
const ASSETS: Record<string, { file: string; type: string }> = {
  '/graphiql/react.js': { file: 'react/umd/react.production.min.js', type: 'text/javascript' },
  '/graphiql/react-dom.js': {
    file: 'react-dom/umd/react-dom.production.min.js',
    type: 'text/javascript',
  },
  '/graphiql/graphiql.js': { file: 'graphiql/graphiql.min.js', type: 'text/javascript' },
  '/graphiql/graphiql.css': { file: 'graphiql/graphiql.min.css', type: 'text/css' },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>ShopGraph · GraphiQL</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link rel="icon" href="/favicon.ico" sizes="32x32" />
    <link rel="stylesheet" href="/graphiql/graphiql.css" />
    <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="/graphiql/react.js"></script>
    <script src="/graphiql/react-dom.js"></script>
    <script src="/graphiql/graphiql.js"></script>
    <script src="/graphiql/app.js"></script>
  </body>
</html>`;

/**
 * The page's Content-Security-Policy: only what GraphiQL needs, each source justified
 * (docs/SECURITY.md §1.2).
 * - default-src 'self': everything (scripts included: no inline JS, no eval) from this origin.
 * - style-src 'unsafe-inline': React and CodeMirror set `style` attributes, and the page has a
 *   small inline `<style>`; styles cannot run code.
 * - font-src data: graphiql.min.css embeds its Roboto and Fira Code fonts as `data:font/woff2`
 *   URIs (without it, `default-src` blocks each of them: one console error per font).
 * - img-src data: GraphiQL's CSS draws a few icons as `data:` images.
 * - connect-src: this origin only — `'self'`, plus the WebSocket URLs of the page's own host
 *   (`ws://host wss://host`) for GraphiQL's graphql-ws socket: CSP Level 3 browsers match those
 *   with `'self'`, older ones (e.g. Safari before 15.4) need them spelled out. Never the bare
 *   `ws:`/`wss:` schemes, which would let the page connect to any host.
 * - object-src, base-uri, frame-ancestors, form-action: nothing GraphiQL uses, so closed.
 */
export function graphiqlCsp(host: string | undefined): string {
  // The page's own `Host` (the origin the browser loaded it from), only when it is a plain
  // host[:port]: anything else (a forged header with `;` or spaces) gets `'self'` alone.
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'none'",
  ].join('; ');
}

const SAFE_HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The policy without a known host (`connect-src 'self'` only). */
export const GRAPHIQL_CSP = graphiqlCsp(undefined);

/** The example tabs GraphiQL opens with (a browser that already has saved tabs keeps those). */
export const GRAPHIQL_EXAMPLE_TABS: ReadonlyArray<{
  query: string;
  variables?: string;
  headers?: string;
}> = [
  {
    // Credentials inline, not in variables: GraphiQL 3 leaves the first tab's variables empty.
    query: `# Welcome to ShopGraph's GraphiQL.
#
# 1. Run this tab (the ▶ button or Ctrl+Enter): it logs in
#    the seeded demo customer (the demo admin is
#    admin@shopgraph.dev / ShopGraph-Admin-1).
# 2. Copy "accessToken" from the response into the Headers
#    pane (below) of each tab that needs it:
#      {"Authorization": "Bearer <accessToken>"}
#    Headers are saved in this browser; the token lasts
#    15 minutes, then run this tab again.
# 3. PurchasableVariants (no login needed) finds variants in
#    stock to add to a cart. OrderStatus is a subscription:
#    subscriptions run right here in GraphiQL, live.
mutation LogIn {
  login(
    input: {
      email: "customer@shopgraph.dev"
      password: "ShopGraph-Customer-1"
    }
  ) {
    accessToken
    userErrors {
      code
      message
    }
  }
}
`,
  },
  {
    query: `# Products with a variant in stock. Pick a variant whose
# inStock is true (some seeded variants are sold out) and
# pass its id to addCartLines.
query PurchasableVariants {
  searchProducts(filter: { inStock: true }, first: 5) {
    totalCount
    edges {
      node {
        name
        variants {
          id
          sku
          name
          inStock
          stockOnHand
          price {
            amount
            currencyCode
          }
        }
      }
    }
  }
}
`,
  },
  {
    query: `# Live status changes of one of your orders (the first
# message is its current state). Subscriptions run right here:
# GraphiQL uses graphql-ws on this same /graphql URL and sends
# the Headers pane as connection parameters, so put
#   {"Authorization": "Bearer <accessToken>"}
# in Headers below. (Apollo Client can also subscribe over
# multipart HTTP: a POST to /graphql with
#   Accept: multipart/mixed;subscriptionSpec=1.0)
# Your order ids:
#   { me { orders(first: 5) { edges { node { id status } } } } }
subscription OrderStatus($orderId: ID!) {
  orderStatusChanged(orderId: $orderId) {
    orderId
    status
    previousStatus
    version
    at
    snapshot
  }
}
`,
    variables: JSON.stringify({ orderId: '<an order id of yours>' }, null, 2),
    headers: JSON.stringify({ Authorization: 'Bearer <accessToken>' }, null, 2),
  },
];

// Kept as a separate script (not inline) so a strict Content-Security-Policy can forbid inline JS.
const APP = `(function () {
  var url = window.location.origin + '/graphql';
  // Subscriptions go over graphql-ws (bundled in graphiql's UMD build); the Headers tab is
  // merged into connectionParams, so {"Authorization": "Bearer …"} authenticates them too.
  var subscriptionUrl = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') +
    window.location.host + '/graphql';
  var fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl });
  var defaultTabs = ${JSON.stringify(GRAPHIQL_EXAMPLE_TABS)};
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultTabs: defaultTabs,
      defaultEditorToolsVisibility: true,
      shouldPersistHeaders: true
    })
  );
})();`;

/**
 * A 32×32 favicon (GraphQL pink disc with a white hexagon ring), built once as an ICO holding a
 * 32-bit BMP, so no binary file needs committing.
 */
function buildFavicon(): Buffer {
  const size = 32;
  const pixels = Buffer.alloc(size * size * 4);
  const c = (size - 1) / 2;
  // Distance to the centre in the hexagon's own norm (pointy-top regular hexagon).
  const hex = (x: number, y: number) =>
    Math.max(Math.abs(x) * (2 / Math.sqrt(3)), Math.abs(x) / Math.sqrt(3) + Math.abs(y));
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      const x = col - c;
      const y = c - row;
      const r = Math.hypot(x, y);
      const h = hex(x, y);
      let bgra: [number, number, number, number] = [0, 0, 0, 0];
      if (r <= 15.5) bgra = [0x98, 0x00, 0xe1, 0xff];
      if (h <= 11 && h >= 8) bgra = [0xff, 0xff, 0xff, 0xff];
      // BMP rows are stored bottom-up.
      pixels.set(bgra, ((size - 1 - row) * size + col) * 4);
    }
  }
  const andMask = Buffer.alloc((size / 8) * size); // all 0: the alpha channel decides
  const info = Buffer.alloc(40);
  info.writeUInt32LE(40, 0);
  info.writeInt32LE(size, 4);
  info.writeInt32LE(size * 2, 8); // XOR image + AND mask
  info.writeUInt16LE(1, 12);
  info.writeUInt16LE(32, 14);
  info.writeUInt32LE(pixels.length + andMask.length, 20);
  const image = Buffer.concat([info, pixels, andMask]);
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt16LE(1, 10); // planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

let favicon: Buffer | undefined;

/** `GET /favicon.ico`: served in every mode (browsers ask for it on any page of this origin). */
export const faviconRoute: RouteHandler = (_req, res) => {
  favicon ??= buildFavicon();
  res.writeHead(200, {
    'content-type': 'image/x-icon',
    'content-length': favicon.length,
    'cache-control': 'public, max-age=604800',
  });
  res.end(favicon);
};

const cache = new Map<string, Buffer>();
function asset(file: string): Buffer {
  let content = cache.get(file);
  if (!content) {
    // Resolve each package's folder through its package.json: their `exports` hide the UMD files.
    const [scope, ...rest] = file.split('/');
    content = readFileSync(join(dirname(require.resolve(`${scope}/package.json`)), ...rest));
    cache.set(file, content);
  }
  return content;
}

/** The GraphiQL HTML page (served at `GET /graphql` to browsers). */
export const graphiqlPage: RouteHandler = (req, res) => {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': graphiqlCsp(req.headers.host),
  });
  res.end(PAGE);
};

/** Routes for GraphiQL's scripts and styles. */
export function graphiqlRoutes(): Record<string, RouteHandler> {
  const routes: Record<string, RouteHandler> = {
    'GET /graphiql/app.js': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(APP);
    },
  };
  for (const [path, { file, type }] of Object.entries(ASSETS)) {
    routes[`GET ${path}`] = (_req, res) => {
      const body = asset(file);
      res.writeHead(200, {
        'content-type': `${type}; charset=utf-8`,
        'content-length': body.length,
        'cache-control': 'public, max-age=86400',
      });
      res.end(body);
    };
  }
  return routes;
}
