import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '@shop/testing';
import { DEMO_ACCOUNTS } from '@shop/user-subgraph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGraph, type TestGraph } from './harness';

// CORS through a real browser (Debian's Chromium, headless): a page on another origin calls the
// gateway as a single-page app would — a query and a mutation with fetch() (JSON and an
// `authorization` header, so both are preflighted) and a graphql-ws subscription (the
// graphql-transport-ws protocol written out in the page). From the allowed origin all three
// succeed; the same page from an origin not in CORS_ORIGINS cannot read an answer or open the
// socket.

const QUERY = `query Products { products(first: 2) { edges { node { id name } } } }`;
const LOGIN = `mutation Login($input: LoginInput!) {
  login(input: $input) { accessToken userErrors { code message } }
}`;
// Admin only; the first snapshot is sent at once.
const SUBSCRIPTION = `subscription Usage { apiUsageUpdated(intervalSeconds: 60) { at groupBy } }`;

type Browser = Awaited<ReturnType<typeof launchChromium>>;

interface PageOutcome {
  query: { data?: unknown; errors?: unknown; failed?: string };
  mutation: { token?: string; failed?: string };
  subscription: { opened: boolean; next?: unknown; error?: unknown; closeCode?: number };
}

/** Serves a blank HTML page on a free port; its origin is the page's origin. */
async function startPageServer(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><title>shop app</title></head><body>app</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs the app's three calls inside a page served from `origin`. */
async function runInPage(
  browser: Browser,
  origin: string,
  gatewayUrl: string,
  /** Used when the page's own login fails (the origin not allowed). */
  subscriptionToken: string | undefined,
): Promise<PageOutcome> {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    const pageOrigin = await page.evaluate(
      () => (globalThis as unknown as { location: { origin: string } }).location.origin,
    );
    expect(pageOrigin).toBe(origin);
    return await page.evaluate(
      async ({ gatewayUrl, query, login, subscription, account, subscriptionToken }) => {
        const post = async (body: unknown, token?: string) => {
          const response = await fetch(gatewayUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'apollographql-client-name': 'browser-cors-e2e',
              'apollographql-client-version': '1.0.0',
              ...(token ? { authorization: `Bearer ${token}` } : {}),
            },
            body: JSON.stringify(body),
          });
          return (await response.json()) as Record<string, any>;
        };
        const failure = (error: unknown) =>
          error instanceof Error ? `${error.name}: ${error.message}` : String(error);

        const outcome: PageOutcome = {
          query: {},
          mutation: {},
          subscription: { opened: false },
        };
        try {
          const result = await post({ query: login, variables: { input: account } }, undefined);
          outcome.mutation = { token: result.data?.login?.accessToken };
        } catch (error) {
          outcome.mutation = { failed: failure(error) };
        }
        const token = outcome.mutation.token ?? subscriptionToken;
        try {
          const result = await post({ query }, token);
          outcome.query = { data: result.data, errors: result.errors };
        } catch (error) {
          outcome.query = { failed: failure(error) };
        }
        outcome.subscription = await new Promise<PageOutcome['subscription']>((resolve) => {
          const state: PageOutcome['subscription'] = { opened: false };
          const socket = new WebSocket(gatewayUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
          const timer = setTimeout(() => resolve({ ...state, error: 'timeout' }), 10_000);
          const finish = () => {
            clearTimeout(timer);
            resolve(state);
          };
          socket.onopen = () => {
            state.opened = true;
            socket.send(
              JSON.stringify({
                type: 'connection_init',
                payload: { authorization: `Bearer ${token}` },
              }),
            );
          };
          socket.onmessage = (event) => {
            const message = JSON.parse(String(event.data)) as Record<string, any>;
            if (message.type === 'connection_ack') {
              socket.send(
                JSON.stringify({ id: '1', type: 'subscribe', payload: { query: subscription } }),
              );
            } else if (message.type === 'next') {
              state.next = message.payload;
              socket.send(JSON.stringify({ id: '1', type: 'complete' }));
              socket.close(1000);
              finish();
            } else if (message.type === 'error') {
              state.error = message.payload;
              finish();
            }
          };
          socket.onerror = () => {
            state.error ??= 'socket error';
          };
          socket.onclose = (event) => {
            state.closeCode = event.code;
            finish();
          };
        });
        return outcome;
      },
      {
        gatewayUrl,
        query: QUERY,
        login: LOGIN,
        subscription: SUBSCRIPTION,
        account: { email: DEMO_ACCOUNTS.admin.email, password: DEMO_ACCOUNTS.admin.password },
        subscriptionToken,
      },
    );
  } finally {
    await page.close();
  }
}

describe('CORS from a real browser page on another origin', () => {
  let t: TestGraph;
  let browser: Browser;
  let allowedPage: { server: Server; origin: string };
  let otherPage: { server: Server; origin: string };

  beforeAll(async () => {
    [allowedPage, otherPage] = await Promise.all([startPageServer(), startPageServer()]);
    [t, browser] = await Promise.all([
      startTestGraph('pglite', { cors: { origins: [allowedPage.origin] } }),
      launchChromium(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    for (const page of [allowedPage, otherPage]) {
      await new Promise<void>((resolve) => (page ? page.server.close(() => resolve()) : resolve()));
    }
  });

  it('should serve a query, a mutation and a graphql-ws subscription to the allowed origin only', async () => {
    const allowed = await runInPage(browser, allowedPage.origin, t.url, undefined);
    expect(allowed.query.failed).toBeUndefined();
    expect(allowed.query.errors).toBeUndefined();
    expect(
      (allowed.query.data as { products: { edges: unknown[] } }).products.edges.length,
    ).toBeGreaterThan(0);
    expect(allowed.mutation.failed).toBeUndefined();
    expect(allowed.mutation.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(allowed.subscription.opened).toBe(true);
    expect(allowed.subscription.error).toBeUndefined();
    expect(allowed.subscription.next).toMatchObject({
      data: { apiUsageUpdated: { groupBy: 'OPERATION', at: expect.any(String) } },
    });

    // The same page from an origin not in the list; the query and the WebSocket get a valid admin
    // token, so only the Origin check can refuse them.
    const other = await runInPage(browser, otherPage.origin, t.url, allowed.mutation.token);
    expect(other.query.failed).toMatch(/^TypeError/);
    expect(other.mutation.failed).toMatch(/^TypeError/);
    expect(other.subscription.opened).toBe(false);
    expect(other.subscription.next).toBeUndefined();
    expect(other.subscription.closeCode).toBe(1006);
  });
});
