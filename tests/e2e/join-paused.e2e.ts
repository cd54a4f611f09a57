/**
 * A person whose network has made too many join attempts (a whole room behind one router, or a guesser) gets a
 * page to read, in their language with the other below, saying when to try again: HTTP 429 with Retry-After.
 */
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { expect, expectAccessible, newPhone, newTablet, screenshot, test, startServer } from './fixtures.js';

let server: SpawnedServer;
test.beforeAll(async () => {
  // One join attempt a minute from this address: the first page is answered, every later one is paused.
  server = await startServer({ env: { JOIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: '1' } });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server);
});

test('join attempts past the limit get a readable page in English and in Czech, with Retry-After', async ({ browser }) => {
  const first = await fetch(`${server.url}/join/K7MPQ2`);
  expect(first.status).toBe(404);

  for (const [locale, heading, other, tryAgain] of [
    ['en-US', 'Please wait a moment', 'Chvíli počkejte', 'Try again'],
    ['cs-CZ', 'Chvíli počkejte', 'Please wait a moment', 'Zkusit znovu'],
  ] as const) {
    const language = locale.slice(0, 2);
    for (const [device, open] of [
      ['phone', newPhone],
      ['tablet', newTablet],
    ] as const) {
      const { page, context } = await open(browser, locale);
      const response = await page.goto(`${server.url}/join/K7MPQ2`);
      expect(response!.status()).toBe(429);
      const retryAfter = Number(await response!.headerValue('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      await expect(page.locator('html')).toHaveAttribute('lang', language);
      await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByRole('main').getByRole('paragraph').filter({ hasText: /\d+ s\./ }).first()).toBeVisible();
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(other);
      await expect(page).toHaveTitle(`${heading} · Attune`);
      await expectAccessible(page, `join paused ${locale} ${device}`);
      await screenshot(page, `${device}-join-paused-${language}`);
      // Its link asks for the same join page again (still paused within the minute).
      const again = page.waitForResponse((r) => r.url().endsWith('/join/K7MPQ2'));
      await page.getByRole('link', { name: tryAgain }).click();
      expect((await again).status()).toBe(429);
      await context.close();
    }
  }
});
