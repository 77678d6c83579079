import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where Debian's `chromium` package puts the browser. */
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The machine's Chromium, or a clear error saying how to install it (never a downloaded one). */
export function chromiumPath(): string {
  const path = CHROMIUM_CANDIDATES.find((candidate) => existsSync(candidate));
  if (!path) {
    throw new Error('browser tests need Chromium: install it with `apt-get install -y chromium`');
  }
  return path;
}

/** Starts the machine's Chromium headless (test support: real browser behaviour, CORS, CSP). */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
}
