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

// Kept as a separate script (not inline) so a strict Content-Security-Policy can forbid inline JS.
const APP = `(function () {
  var url = window.location.origin + '/graphql';
  // Subscriptions go over graphql-ws (bundled in graphiql's UMD build); the Headers tab is
  // merged into connectionParams, so {"Authorization": "Bearer …"} authenticates them too.
  var subscriptionUrl = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') +
    window.location.host + '/graphql';
  var fetcher = GraphiQL.createFetcher({ url: url, subscriptionUrl: subscriptionUrl });
  var defaultQuery = [
    '# Welcome to ShopGraph. Log in with a demo account (see the README),',
    '# then put {"Authorization": "Bearer <accessToken>"} in the Headers tab.',
    'query Catalog {',
    '  products(first: 5) {',
    '    totalCount',
    '    edges { node { name category { name } variants { sku price { amount currencyCode } } } }',
    '  }',
    '}',
    '',
    '# Subscriptions run here too (over a WebSocket), e.g.',
    '# subscription { orderStatusChanged(orderId: "…") { status } }',
    '',
  ].join('\\n');
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery, shouldPersistHeaders: true })
  );
})();`;

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
export const graphiqlPage: RouteHandler = (_req, res) => {
  res.writeHead(200, {
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy':
      "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:",
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
