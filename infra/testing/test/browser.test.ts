import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/browser';

let server: Server | undefined;
afterAll(() => server?.close());

describe('launchChromium', () => {
  it('runs a page in the machine’s headless Chromium', async () => {
    server = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html');
      response.end('<title>t</title><script>document.title = String(6 * 7)</script>');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', () => resolve()));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await page.title()).toBe('42');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
