/**
 * The live class in Chromium: three phones flagging with where and how strong, the tablet's heat map and
 * counts; a phone cut off the network and back; a safety alert; two classes side by side.
 */
import type { Page } from '@playwright/test';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { addCueOnTablet, cue, joinPhone, openClassOnTablet, endClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, screenshot, startClock, stopClock, test } from './fixtures.js';


test('three phones flag with where and how strong; the tablet shows counts and the heat map', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url);
  const phones = [];
  for (let i = 0; i < 3; i++) phones.push(await joinPhone(browser, server.url, code));
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const phone of phones) await expect(cue(phone)).toContainText(/1 of \d+/);

  // Phone 1: Tension in the neck, strong. Phone 2: Tension, left shoulder. Phone 3: Relief, no detail.
  const [p1, p2, p3] = phones as [Page, Page, Page];
  await stopClock(p1);
  await p1.getByRole('button', { name: 'Tension' }).click();
  await p1.getByRole('button', { name: 'neck' }).click();
  await p1.getByRole('button', { name: 'Strong' }).click();
  await expect(p1.getByRole('button', { name: 'Strong' })).toHaveAttribute('aria-pressed', 'true');
  await expectAccessible(p1, 'phone flag detail');
  await screenshot(p1, 'phone-flag-detail');
  await p1.getByRole('button', { name: 'Done' }).click();
  await startClock(p1);
  await p2.getByRole('button', { name: 'Tension' }).click();
  await p2.getByRole('button', { name: 'left shoulder' }).click();
  await p2.getByRole('button', { name: 'Done' }).click();
  await p3.getByRole('button', { name: 'Relief' }).click();
  // Waiting is skipping: the big buttons come back by themselves.
  await expect(p3.getByRole('button', { name: 'Relief' })).toBeVisible({ timeout: 15_000 });

  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText('2 Tension');
  await expect(live).toContainText('1 Relief');
  await expect(live).toContainText('from 3 participants');
  await expect(live.getByRole('img', { name: /neck/ })).toBeVisible();
  await expect(live.getByRole('img', { name: /left shoulder/ })).toBeVisible();
  await expect(live).toContainText(/Last 30 seconds: 2 tension, 1 relief/);
  await expectAccessible(desk, 'tablet live with heat map');
  await screenshot(desk, 'tablet-heat-map');

  // Undo within five seconds takes a flag back.
  await p3.getByRole('button', { name: 'Tension' }).click();
  await expect(live).toContainText('3 Tension');
  await p3.getByRole('button', { name: 'Undo' }).click();
  await expect(live).toContainText('2 Tension');

  // The phone shows the countdown of a cue with a duration, from the server's deadline.
  await desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(cue(p1)).toContainText(/2 of \d+/);
  await expect(p1.getByLabel('Time left')).toContainText(/\d:\d\d/);
  await expect(desk.getByLabel('Time left')).toContainText(/\d:\d\d/);
  await expectAccessible(p1, 'phone cue with countdown');
  await screenshot(p1, 'phone-cue-countdown');
});

test('a phone cut off the network keeps its taps and counts them once when back, for the cue it showed, though a cue was added before it', async ({
  browser,
  server,
}) => {
  const { desk, code } = await openClassOnTablet(browser, server.url, 1);
  const proxy = await startTcpProxy(server.url);
  try {
    const phone = await joinPhone(browser, proxy.url, code);
    await desk.getByRole('button', { name: 'Start class' }).click();
    await desk.getByRole('button', { name: 'Next cue' }).click();
    await expect(cue(phone)).toContainText(/2 of \d+/);
    const tapped = (await cue(phone).locator('.cue-text').textContent()) ?? '';

    proxy.cut();
    await expect(phone.getByRole('status').filter({ hasText: /Reconnecting|Offline/ })).toBeVisible();
    await phone.getByRole('button', { name: 'Tension' }).click();
    await phone.getByRole('button', { name: 'Done' }).click();
    await phone.getByRole('button', { name: 'Relief' }).click();
    await phone.getByRole('button', { name: 'Done' }).click();
    await expect(phone.getByRole('status').filter({ hasText: 'Offline. 2 taps kept' })).toBeVisible();
    await screenshot(phone, 'phone-offline');
    // Meanwhile the class goes back and a cue is added after the first: the tapped cue is now the third.
    await desk.getByRole('button', { name: 'Previous cue' }).click();
    await addCueOnTablet(desk, 'Slow down', 'Show next');

    const live = desk.getByRole('region', { name: 'Live responses' });
    proxy.restore();
    const backAt = Date.now();
    await expect(cue(phone)).toContainText(/1 of \d+/, { timeout: 1500 });
    const backMs = Date.now() - backAt;
    expect(backMs).toBeLessThan(1500);
    await expect(phone.getByRole('status').filter({ hasText: 'Offline' })).toHaveCount(0);
    // The two taps belong to the cue they were made on, not to the cue that took its number.
    await desk.getByRole('button', { name: 'Next cue' }).click();
    await expect(desk.getByText(/^2 of \d+$/)).toBeVisible();
    await expect(live).toContainText('0 Tension');
    await desk.getByRole('button', { name: 'Next cue' }).click();
    await expect(desk.getByText(/^3 of \d+$/)).toBeVisible();
    await expect(desk.locator('.stage')).toContainText(tapped);
    await expect(live).toContainText('1 Tension');
    await expect(live).toContainText('1 Relief');
    await expect(live).toContainText('from 1 participant');
  } finally {
    await proxy.close();
  }
});

test('Need to stop reaches only the instructor, at once, until seen', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url, 2);
  const phone = await joinPhone(browser, server.url, code);
  const other = await joinPhone(browser, server.url, code);
  await desk.getByRole('button', { name: 'Start class' }).click();
  await phone.getByRole('button', { name: 'Need to stop' }).click();
  await phone.getByRole('button', { name: 'Send alert' }).click();
  await expect(phone.getByRole('status').filter({ hasText: 'The instructor has been alerted' })).toBeVisible();
  await screenshot(phone, 'phone-need-to-stop');
  await expect(desk.getByRole('alert').filter({ hasText: 'Someone needs to stop' })).toBeVisible();
  await expectAccessible(desk, 'tablet with alert');
  await screenshot(desk, 'tablet-alert');
  await expect(other.getByText('Someone needs to stop')).toHaveCount(0);
  await expect(other.getByText('The instructor has been alerted')).toHaveCount(0);
  await expect(desk.getByRole('region', { name: 'Live responses' })).toContainText('from 0 participants');
  // A reloaded tablet still shows it; Seen clears it.
  await desk.reload();
  await expect(desk.getByRole('alert').filter({ hasText: 'Someone needs to stop' })).toBeVisible();
  await desk.getByRole('button', { name: 'Seen' }).click();
  await expect(desk.getByText('Someone needs to stop')).toHaveCount(0);
});

test('two classes at once keep their cues, counts and endings apart', async ({ browser, server }) => {
  const one = await openClassOnTablet(browser, server.url, 3);
  const two = await openClassOnTablet(browser, server.url, 4);
  const phoneOne = await joinPhone(browser, server.url, one.code);
  const phoneTwo = await joinPhone(browser, server.url, two.code);
  await one.desk.getByRole('button', { name: 'Start class' }).click();
  await two.desk.getByRole('button', { name: 'Start class' }).click();
  await one.desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(cue(phoneOne)).toContainText(/2 of \d+/);
  await expect(cue(phoneTwo)).toContainText(/1 of \d+/);
  await phoneTwo.getByRole('button', { name: 'Relief' }).click();
  await expect(two.desk.getByRole('region', { name: 'Live responses' })).toContainText('1 Relief');
  await expect(one.desk.getByRole('region', { name: 'Live responses' })).toContainText('0 Relief');
  await endClassOnTablet(two.desk);
  await expect(phoneTwo.getByText('The class has ended')).toBeVisible();
  await expect(cue(phoneOne)).toContainText(/2 of \d+/);
});
