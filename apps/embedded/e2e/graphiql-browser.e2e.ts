import { buildClientSchema, getIntrospectionQuery, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLE_TABS } from '@shop/gateway';
import { launchChromium } from '@shop/testing';
import { placeOrder, startTestGraph, type TestGraph } from './harness';

// Callbacks of page.evaluate run in the page: they reach the DOM through `globalThis as any`
// (this package is compiled without the DOM lib).
type Browser = Awaited<ReturnType<typeof launchChromium>>;
type Page = Awaited<ReturnType<Browser['newPage']>>;

/** Everything a browser user would see go wrong on the page. */
interface Problems {
  console: string[];
  pageErrors: string[];
  failedRequests: string[];
  errorResponses: string[];
}

/** The CodeMirror 5 instance GraphiQL 3 attaches to each editor's wrapper element. */
const EDITORS = {
  query: '.graphiql-query-editor .CodeMirror',
  // The variables and headers editors, in that order, share the "editor tools" section.
  variables: '.graphiql-editor-tool .graphiql-editor:nth-of-type(1) .CodeMirror',
  headers: '.graphiql-editor-tool .graphiql-editor:nth-of-type(2) .CodeMirror',
  response: '.result-window .CodeMirror',
} as const;

async function editorValue(page: Page, editor: keyof typeof EDITORS): Promise<string> {
  return page.$eval(EDITORS[editor], (el) => (el as any).CodeMirror.getValue() as string);
}

async function setEditorValue(page: Page, editor: keyof typeof EDITORS, value: string) {
  await page.$eval(EDITORS[editor], (el, v) => (el as any).CodeMirror.setValue(v), value);
}

/** Runs the active tab and waits for a response that satisfies `done`. */
async function run(page: Page, done: (response: string) => boolean): Promise<string> {
  await page.evaluate(() => {
    const cm = (globalThis as any).document.querySelector('.result-window .CodeMirror').CodeMirror;
    cm.setValue('');
  });
  await page.click('.graphiql-execute-button');
  let response = '';
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    response = await editorValue(page, 'response');
    if (response && done(response)) return response;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no matching response in time; last: ${response}`);
}

async function selectTab(page: Page, title: string) {
  const tabs = await page.$$('.graphiql-tab');
  for (const tab of tabs) {
    const text = await tab.evaluate((el) => el.textContent ?? '');
    if (text.includes(title)) {
      await (await tab.$('.graphiql-tab-button'))!.click();
      await page.waitForFunction(
        (t) =>
          (globalThis as any).document
            .querySelector('.graphiql-tab-active')
            ?.textContent?.includes(t),
        {},
        title,
      );
      // GraphiQL swaps the editors' content and then derives the operation name from it; a run
      // clicked before that sends the previous tab's operationName (a loaded machine shows it).
      const deadline = Date.now() + 10_000;
      while (!(await editorValue(page, 'query')).includes(` ${title}`)) {
        if (Date.now() > deadline) throw new Error(`tab ${title} did not load its query`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      return;
    }
  }
  throw new Error(`no tab ${title}`);
}

describe('GraphiQL in a real browser (Chromium)', () => {
  let t: TestGraph;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestGraph('pglite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** Opens GraphiQL as a first-time visitor (fresh profile) and records every problem. */
  async function open(): Promise<{ page: Page; problems: Problems; close(): Promise<void> }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const problems: Problems = {
      console: [],
      pageErrors: [],
      failedRequests: [],
      errorResponses: [],
    };
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warn') {
        problems.console.push(`${message.type()}: ${message.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.pageErrors.push(String(error)));
    page.on('requestfailed', (request) =>
      problems.failedRequests.push(
        `${request.url().slice(0, 80)}: ${request.failure()?.errorText ?? '?'}`,
      ),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) {
        problems.errorResponses.push(`${response.status()} ${response.url()}`);
      }
    });
    // Content-Security-Policy refusals, as the page itself sees them.
    await page.evaluateOnNewDocument(() => {
      (globalThis as any).cspViolations = [];
      (globalThis as any).document.addEventListener('securitypolicyviolation', (event: any) => {
        (globalThis as any).cspViolations.push(
          `${event.effectiveDirective} ${event.blockedURI.slice(0, 40)}`,
        );
      });
    });
    // page.goto navigates as a browser does: Accept: text/html,…
    const response = await page.goto(t.url, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await page.waitForSelector(EDITORS.query);
    await page.waitForFunction(
      (n) => (globalThis as any).document.querySelectorAll('.graphiql-tab').length === n,
      { timeout: 20_000 },
      GRAPHIQL_EXAMPLE_TABS.length,
    );
    return { page, problems, close: () => context.close() };
  }

  it('should render with its fonts, a favicon and the example tabs, and zero console errors', async () => {
    const { page, problems, close } = await open();
    try {
      const tabs = await page.$$eval('.graphiql-tab .graphiql-tab-button', (els) =>
        els.map((el) => el.textContent),
      );
      expect(tabs).toEqual(['LogIn', 'PurchasableVariants', 'OrderStatus']);
      const login = await editorValue(page, 'query');
      expect(login).toContain('mutation LogIn {');
      expect(login).toContain('email: "customer@shopgraph.dev"');
      expect(login).toContain('password: "ShopGraph-Customer-1"');
      expect(login).toContain('{"Authorization": "Bearer <accessToken>"}');
      expect(login).toMatch(/subscriptions run right here/i);

      // GraphiQL's own fonts (data: URIs in its CSS) load under the page's CSP.
      const fonts = await page.evaluate(async () => {
        const load = async (font: string) => {
          try {
            const faces = await (globalThis as any).document.fonts.load(font);
            return faces.map((face: { status: string }) => face.status);
          } catch (error) {
            return [String(error)];
          }
        };
        await (globalThis as any).document.fonts.ready;
        return {
          roboto: await load('400 16px Roboto'),
          fira: await load('400 16px "Fira Code"'),
          failed: [...(globalThis as any).document.fonts]
            .filter((face: { status: string }) => face.status === 'error')
            .map((face: { family: string }) => face.family),
        };
      });
      expect(fonts.roboto.length).toBeGreaterThan(0);
      expect(fonts.roboto.every((s: string) => s === 'loaded')).toBe(true);
      expect(fonts.fira.length).toBeGreaterThan(0);
      expect(fonts.fira.every((s: string) => s === 'loaded')).toBe(true);
      expect(fonts.failed).toEqual([]);

      // The favicon: a real 32×32 image, cacheable.
      const favicon = await page.evaluate(async () => {
        const response = await fetch('/favicon.ico');
        const image = new (globalThis as any).Image();
        image.src = '/favicon.ico';
        await image.decode();
        return {
          status: response.status,
          type: response.headers.get('content-type'),
          cache: response.headers.get('cache-control'),
          width: image.naturalWidth,
          height: image.naturalHeight,
        };
      });
      expect(favicon).toMatchObject({ status: 200, type: 'image/x-icon', width: 32, height: 32 });
      expect(favicon.cache).toMatch(/max-age=\d+/);

      expect(await page.evaluate(() => (globalThis as any).cspViolations)).toEqual([]);
      expect(problems).toEqual({
        console: [],
        pageErrors: [],
        failedRequests: [],
        errorResponses: [],
      });
    } finally {
      await close();
    }
  });

  it('should log in, find a purchasable variant and follow an order live from the example tabs', async () => {
    const { page, problems, close } = await open();
    try {
      const login = JSON.parse(
        await run(page, (r) => r.includes('"login"') || r.includes('"errors"')),
      );
      expect(login.errors).toBeUndefined();
      expect(login.data.login.userErrors).toEqual([]);
      const token = login.data.login.accessToken as string;
      expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

      await selectTab(page, 'PurchasableVariants');
      const search = JSON.parse(
        await run(page, (r) => r.includes('"searchProducts"') || r.includes('"errors"')),
      );
      expect(search.errors).toBeUndefined();
      const variants = search.data.searchProducts.edges.flatMap(
        (edge: {
          node: { variants: Array<{ id: string; inStock: boolean; stockOnHand: number }> };
        }) => edge.node.variants,
      );
      const purchasable = variants.find((v: { inStock: boolean }) => v.inStock);
      expect(purchasable?.stockOnHand).toBeGreaterThan(0);

      // The order the subscription follows: placed with the token and variant GraphiQL gave.
      const orderId = await placeOrder(t, token, [{ variantId: purchasable.id, quantity: 1 }]);

      await selectTab(page, 'OrderStatus');
      expect(await editorValue(page, 'query')).toContain('graphql-ws on this same /graphql URL');
      expect(JSON.parse(await editorValue(page, 'headers'))).toEqual({
        Authorization: 'Bearer <accessToken>',
      });
      await setEditorValue(page, 'variables', JSON.stringify({ orderId }));
      await setEditorValue(page, 'headers', JSON.stringify({ Authorization: `Bearer ${token}` }));
      const event = JSON.parse(
        await run(page, (r) => r.includes('"orderStatusChanged"') || r.includes('"errors"')),
      );
      expect(event.errors).toBeUndefined();
      expect(event.data.orderStatusChanged).toMatchObject({ orderId, snapshot: true });
      // Stop the subscription (the run button turns into a stop button while it runs).
      await page.click('.graphiql-execute-button');

      expect(await page.evaluate(() => (globalThis as any).cspViolations)).toEqual([]);
      expect(problems).toEqual({
        console: [],
        pageErrors: [],
        failedRequests: [],
        errorResponses: [],
      });
    } finally {
      await close();
    }
  });

  it('should preload example operations that are valid against the served schema', async () => {
    const introspection = await t.gql(getIntrospectionQuery());
    const schema = buildClientSchema(introspection.body.data as any);
    for (const tab of GRAPHIQL_EXAMPLE_TABS) {
      expect(validate(schema, parse(tab.query)).map((e) => e.message)).toEqual([]);
    }
  });
});
