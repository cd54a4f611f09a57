/**
 * Playwright fixtures: a fresh Attune process per test (each starts from an empty database), a tablet and phones as separate browser contexts,
 * axe, and screenshots into tests/e2e/.screens for people to look at.
 */
import axe from 'axe-core';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { removeDataDir, spawnServer, type SpawnedServer, type SpawnOptions } from '../helpers/spawn-server.js';

export const TABLET = { width: 1180, height: 820 };
export const PHONE = { width: 390, height: 844 };

export async function newTablet(browser: Browser, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: TABLET, locale, hasTouch: true });
  return { context, page: await context.newPage() };
}

export async function newPhone(browser: Browser, locale = 'en-US'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: PHONE, locale, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  return { context, page: await context.newPage() };
}

/**
 * Fails on any serious or critical axe violation, listing them. axe-core runs in the page itself, put there once per
 * document: `@axe-core/playwright` evaluated its 580 KB twice per analysis, and in its default mode also opened a
 * blank page per analysis to merge the results of cross-origin frames (Attune's pages have none). Only violations
 * are detailed (passes need no selectors): axe's default rules, on the whole document or `within` a selector.
 */
export async function expectAccessible(page: Page, label: string, options: { within?: string } = {}): Promise<void> {
  // Not `'axe' in window`: an element with id="axe" would be a window property too.
  const isLoaded = await page.evaluate(() => typeof (window as unknown as { axe?: { run?: unknown } }).axe?.run === 'function');
  if (!isLoaded) await page.evaluate(axe.source);
  const results = await page.evaluate(
    (within) => (window as unknown as { axe: typeof axe }).axe.run(within ? { include: [within] } : document, { resultTypes: ['violations'] }),
    options.within,
  );
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** The viewport, or with `fullPage` the whole page (for long pages, to look at all of it). */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png`, fullPage: options.fullPage ?? false });
}

/**
 * Holds the phone's time still (timers keep running, so axe does) until `startClock`: axe and screenshots on a
 * loaded machine can outlast the flag panel's 10-s idle close, which would shut the panel under the next tap.
 */
export async function stopClock(page: Page): Promise<void> {
  await page.clock.setFixedTime(Date.now());
}

export async function startClock(page: Page): Promise<void> {
  await page.clock.setSystemTime(Date.now());
}

/**
 * Attune as `npm start` runs it: the compiled server (the pages are the build's anyway), which also starts in half
 * the CPU of the source through tsx, a saving every story makes. `npm test` builds before the stories run.
 * Passwords are hashed at the test-only cost (the stories sign up an instructor each, and scrypt at the real cost
 * was ≈ 340 ms of a core per hash); `tests/integration/sign-in-security.test.ts` covers the real parameters.
 */
export function startServer(options: SpawnOptions = {}): Promise<SpawnedServer> {
  return spawnServer({ entry: 'built', ...options, env: { PASSWORD_HASHING: 'test-only-fast', ...options.env } });
}

export const test = base.extend<{ server: SpawnedServer }>({
  server: [
    async ({}, use) => {
      const server = await startServer();
      await use(server);
      await server.stop();
      removeDataDir(server);
    },
    { scope: 'test' },
  ],
});

export { expect };
