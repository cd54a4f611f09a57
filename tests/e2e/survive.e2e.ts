/**
 * Nothing lost, in real Chromium: the tablet reloads and drops off the network mid-countdown; the server process
 * is killed (SIGKILL) with two phones in the class and started again on the same port and data, the taps made
 * meanwhile counted once; a phone that reconnects three times in a row (twice cut off, once reloaded) is the same
 * participant each time, on the current cue.
 */
import type { Page } from '@playwright/test';
import { freePort, removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { cue, joinPhone, openClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, screenshot, test, startServer } from './fixtures.js';

/** This file's own server (its account is this file's alone); the kill test starts another. */
let server: SpawnedServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server);
});

const live = (desk: Page) => desk.getByRole('region', { name: 'Live responses' });
const joined = (desk: Page) => desk.getByText('Joined', { exact: true }).locator('..');

/** The tablet's countdown in seconds. */
async function secondsLeft(desk: Page): Promise<number> {
  const text = (await desk.getByLabel('Time left').textContent()) ?? '';
  const [, minutes, seconds] = /(\d+):(\d\d)/.exec(text) ?? [];
  return Number(minutes) * 60 + Number(seconds);
}

test('the tablet reloads and drops off the network: same class, same cue, same countdown, nothing lost', async ({ browser }) => {
  const network = await startTcpProxy(server.url);
  try {
    const { desk, code } = await openClassOnTablet(browser, network.url, 0);
    const phone = await joinPhone(browser, server.url, code);
    await desk.getByRole('button', { name: 'Start class' }).click();
    await desk.getByRole('button', { name: 'Next cue' }).click();
    await expect(cue(phone)).toContainText(/2 of \d+/);
    const classUrl = desk.url();
    const atStart = await secondsLeft(desk);
    // Let the countdown run a little, so a restarted one would show.
    await expect.poll(() => secondsLeft(desk), { timeout: 10_000 }).toBeLessThanOrEqual(atStart - 2);

    await desk.reload();
    expect(desk.url()).toBe(classUrl);
    await expect(desk.getByText(/^2 of \d+$/)).toBeVisible();
    const afterReload = await secondsLeft(desk);
    expect(afterReload).toBeLessThanOrEqual(atStart - 2);
    expect(afterReload).toBeGreaterThanOrEqual(atStart - 8);

    network.cut();
    await expect(desk.getByRole('status').filter({ hasText: 'Connection lost. Reconnecting…' })).toBeVisible();
    await expectAccessible(desk, 'tablet reconnecting');
    await screenshot(desk, 'tablet-reconnecting');
    // The class goes on for the phones meanwhile.
    await phone.getByRole('button', { name: 'Tension' }).click();
    await phone.getByRole('button', { name: 'Done' }).click();
    network.restore();

    await expect(desk.getByRole('status').filter({ hasText: 'Running' })).toBeVisible({ timeout: 10_000 });
    await expect(desk.getByText(/^2 of \d+$/)).toBeVisible();
    await expect(live(desk)).toContainText('1 Tension');
    await expect(live(desk)).toContainText('from 1 participant');
    expect(await secondsLeft(desk)).toBeLessThanOrEqual(afterReload);
  } finally {
    await network.close();
  }
});

test.describe('the server process is killed mid-class', () => {
  let own: SpawnedServer | undefined;
  test.afterEach(async () => {
    await own?.stop('SIGKILL');
    if (own) removeDataDir(own);
  });

  test('phones and tablet come back by themselves, as the same participants; taps made meanwhile count once', async ({ browser }) => {
    const port = await freePort();
    own = await startServer({ port });
    const { desk, code } = await openClassOnTablet(browser, own.url, 1);
    const [first, second] = [await joinPhone(browser, own.url, code), await joinPhone(browser, own.url, code)];
    await desk.getByRole('button', { name: 'Start class' }).click();
    for (const phone of [first, second]) await expect(cue(phone)).toContainText(/1 of \d+/);
    await expect(joined(desk)).toContainText('2');

    await own.stop('SIGKILL');
    for (const phone of [first, second]) await expect(phone.getByRole('status').filter({ hasText: /Reconnecting|Offline/ })).toBeVisible();
    await expect(desk.getByRole('status').filter({ hasText: 'Connection lost' })).toBeVisible();
    await first.getByRole('button', { name: 'Tension' }).click();
    await first.getByRole('button', { name: 'Done' }).click();
    await first.getByRole('button', { name: 'Tension' }).click();
    await first.getByRole('button', { name: 'Done' }).click();
    await second.getByRole('button', { name: 'Relief' }).click();
    await second.getByRole('button', { name: 'Done' }).click();
    await expect(first.getByRole('status').filter({ hasText: 'Offline. 2 taps kept' })).toBeVisible();
    await screenshot(first, 'phone-server-down');

    own = await startServer({ port, dataDir: own.dataDir });
    for (const phone of [first, second]) {
      await expect(phone.getByRole('status').filter({ hasText: /Reconnecting|Offline/ })).toHaveCount(0, { timeout: 10_000 });
      await expect(cue(phone)).toContainText(/1 of \d+/);
    }
    await expect(desk.getByRole('status').filter({ hasText: 'Running' })).toBeVisible({ timeout: 10_000 });
    await expect(live(desk)).toContainText('2 Tension');
    await expect(live(desk)).toContainText('1 Relief');
    await expect(live(desk)).toContainText('from 2 participants');
    await expect(joined(desk)).toContainText('2');
    await screenshot(desk, 'tablet-after-restart');
  });
});

test('a phone that reconnects three times in a row is the same participant, on the current cue', async ({ browser }) => {
  const network = await startTcpProxy(server.url);
  try {
    const { desk, code } = await openClassOnTablet(browser, server.url, 2);
    const phone = await joinPhone(browser, network.url, code);
    await desk.getByRole('button', { name: 'Start class' }).click();
    await expect(cue(phone)).toContainText(/1 of \d+/);

    const rounds: { how: 'cut' | 'reload'; tap: 'Tension' | 'Relief' }[] = [
      { how: 'cut', tap: 'Tension' },
      { how: 'reload', tap: 'Relief' },
      { how: 'cut', tap: 'Tension' },
    ];
    for (const [i, round] of rounds.entries()) {
      const position = new RegExp(`${i + 2} of \\d+`);
      if (round.how === 'cut') {
        network.cut();
        await expect(phone.getByRole('status').filter({ hasText: /Reconnecting|Offline/ })).toBeVisible();
        await desk.getByRole('button', { name: 'Next cue' }).click();
        network.restore();
      } else {
        await desk.getByRole('button', { name: 'Next cue' }).click();
        await phone.reload();
      }
      await expect(cue(phone)).toContainText(position, { timeout: 3000 });
      await phone.getByRole('button', { name: round.tap }).click();
      await phone.getByRole('button', { name: 'Done' }).click();
      await expect(live(desk)).toContainText(`1 ${round.tap}`);
      await expect(live(desk)).toContainText('from 1 participant');
      await expect(joined(desk)).toContainText('1');
    }
  } finally {
    await network.close();
  }
});
