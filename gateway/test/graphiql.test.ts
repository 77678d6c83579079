import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey } from '@shop/auth';
import { composeSupergraph } from '@shop/schema';
import { startGateway, type RunningGateway } from '../src/gateway';
import { GRAPHIQL_CSP, GRAPHIQL_EXAMPLE_TABS, graphiqlCsp } from '../src/graphiql';

const SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { hello: String }
`;

// The browser behaviour (fonts, console, tabs that run) is in apps/embedded/e2e/graphiql-browser.e2e.ts.
describe('GraphiQL and the favicon, in development and production', () => {
  let dir: string;
  let dev: RunningGateway;
  let prod: RunningGateway;
  const origin = (gw: RunningGateway) => new URL(gw.url).origin;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shop-graphiql-'));
    writeFileSync(join(dir, 'hello.graphql'), SDL);
    const composed = composeSupergraph([
      {
        name: 'hello',
        defaultUrl: 'http://127.0.0.1:9/graphql',
        sdlPath: pathToFileURL(join(dir, 'hello.graphql')),
      },
    ]);
    if (!composed.ok) throw new Error(composed.errors.join('\n'));
    const key = await loadSigningKey();
    const start = (production: boolean) =>
      startGateway({
        supergraphSdl: composed.supergraphSdl,
        subgraphUrls: {},
        accessTokenKeys: [key],
        signingKey: key,
        port: 0,
        host: '127.0.0.1',
        production,
      });
    dev = await start(false);
    prod = await start(true);
  });

  afterAll(async () => {
    await dev?.stop(1_000);
    await prod?.stop(1_000);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves GraphiQL under a CSP that allows its embedded fonts and nothing looser', async () => {
    const page = await fetch(dev.url, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy')!;
    const host = new URL(dev.url).host;
    expect(csp).toBe(graphiqlCsp(host));
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name!, sources];
      }),
    );
    expect(directives['font-src']).toEqual(["'self'", 'data:']);
    // Only this origin, its WebSocket URLs included: never the bare ws:/wss: schemes.
    expect(directives['connect-src']).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    expect(directives['default-src']).toEqual(["'self'"]);
    // Scripts fall back to default-src: no inline scripts, no eval.
    expect(directives['script-src']).toBeUndefined();
    expect(csp).not.toContain('unsafe-eval');
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(await page.text()).toContain('<link rel="icon" href="/favicon.ico"');
  });

  it("keeps connect-src at 'self' when the Host header is not a plain host", () => {
    for (const host of ['evil.example; script-src *', 'a b', 'x/y', undefined]) {
      expect(graphiqlCsp(host)).toContain("connect-src 'self'; ");
    }
    expect(graphiqlCsp('[::1]:4000')).toContain(
      "connect-src 'self' ws://[::1]:4000 wss://[::1]:4000;",
    );
    expect(GRAPHIQL_CSP).not.toMatch(/ wss?:( |;|$)/);
  });

  it('preloads the example tabs into GraphiQL', async () => {
    const app = await fetch(`${origin(dev)}/graphiql/app.js`).then((r) => r.text());
    expect(app).toContain(`defaultTabs = ${JSON.stringify(GRAPHIQL_EXAMPLE_TABS)}`);
    expect(
      GRAPHIQL_EXAMPLE_TABS.map(
        (tab) => tab.query.match(/^(mutation|query|subscription) (\w+)/m)?.[0],
      ),
    ).toEqual(['mutation LogIn', 'query PurchasableVariants', 'subscription OrderStatus']);
  });

  it('serves a cacheable 32×32 ICO favicon in both modes', async () => {
    for (const gw of [dev, prod]) {
      const response = await fetch(`${origin(gw)}/favicon.ico`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/x-icon');
      expect(response.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
      const ico = Buffer.from(await response.arrayBuffer());
      // ICONDIR: reserved 0, type 1 (icon), one image of 32×32 at 32 bits per pixel.
      expect([ico.readUInt16LE(0), ico.readUInt16LE(2), ico.readUInt16LE(4)]).toEqual([0, 1, 1]);
      expect([ico[6], ico[7], ico.readUInt16LE(12)]).toEqual([32, 32, 32]);
      expect(ico.readUInt32LE(14) + ico.readUInt32LE(18)).toBe(ico.length);
    }
  });

  it('keeps GraphiQL off in production', async () => {
    const page = await fetch(prod.url, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toContain('graphiql');
    expect(page.headers.get('content-security-policy')).toBeNull();
    expect((await fetch(`${origin(prod)}/graphiql/app.js`)).status).toBe(404);
    expect((await fetch(`${origin(dev)}/graphiql/app.js`)).status).toBe(200);
  });
});
