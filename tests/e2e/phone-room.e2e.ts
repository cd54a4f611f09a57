/**
 * The phone in the room (issue 13), in Chromium at 390 × 844: the body figure's regions as named, finger-sized
 * controls on front and back at once; the flag panel on one screen with Done in view and the cue still there;
 * the panel's 10-s idle close; Need to stop confirmed or withdrawn, then sent and seen; the lobby's sentence
 * about Tension and Relief; both languages with axe; and the whole class over plain HTTP at a LAN name
 * (not a secure context), where the screen is kept awake by the looping video.
 */
import { chromium, type Page } from '@playwright/test';
import { chromiumLaunch } from './playwright.config.js';
import { cue, endClassOnTablet, joinPhone, openClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, newPhone, PHONE, screenshot, startClock, stopClock, test } from './fixtures.js';

/** Every region control of the figure on screen is at least 44 × 44 CSS px. */
async function expectFingerSizedRegions(page: Page, names: string[]): Promise<void> {
  for (const name of names) {
    const box = await page.getByRole('button', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(Math.min(box!.width, box!.height), name).toBeGreaterThanOrEqual(44);
  }
}

/** The flag panel fits: Done lies inside the 390 × 844 viewport, and the page does not scroll. */
async function expectPanelOnOneScreen(page: Page, done: string): Promise<void> {
  const box = (await page.getByRole('button', { name: done }).boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
  expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(PHONE.height);
}

/** The animation of the Undo button's shrinking bar (its ::after), `none` when there is none. */
async function undoBarAnimation(page: Page): Promise<string> {
  return page.getByRole('button', { name: 'Undo' }).evaluate((undo) => getComputedStyle(undo, '::after').animationName);
}

// The machine is shared: generous time per test, while every wait inside still polls.
test.describe.configure({ timeout: 240_000 });

/** Starts the class; auto-advance stays off (its default), so a timed cue does not move on (and close the panel) mid-test. */
async function start(desk: Page): Promise<void> {
  await desk.getByRole('button', { name: 'Start class' }).click();
  await expect(desk.getByRole('checkbox', { name: 'Auto-advance when the time is up' })).not.toBeChecked();
}

const REGIONS_EN = [
  'head', 'jaw', 'neck', 'left shoulder', 'right shoulder', 'chest', 'between the shoulder blades', 'lower back', 'abdomen',
  'left hip', 'right hip', 'left arm', 'right arm', 'left hand', 'right hand', 'left knee', 'right knee', 'left foot', 'right foot',
];

test('the phone in English: lobby, figure, flag panel on one screen, Need to stop sent and seen', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url);
  const phone = await joinPhone(browser, server.url, code);
  await expect(phone).toHaveTitle(/Attune/);
  await expect(phone.getByRole('main')).toContainText(/Tap Tension when .* Relief when/);
  await expect(phone.getByRole('heading', { level: 1 })).toBeVisible();
  await expectAccessible(phone, 'phone lobby en');
  await screenshot(phone, 'phone-lobby-en');

  await start(desk);
  await expect(cue(phone)).toContainText(/1 of \d+/);
  await expect(phone.getByRole('heading', { name: 'Current cue' })).toBeAttached();
  await expectAccessible(phone, 'phone cue en');
  await screenshot(phone, 'phone-cue-en');

  // Tension: where, how strong and Done on one screen; the cue steps aside but stays.
  await stopClock(phone);
  await phone.getByRole('button', { name: 'Tension' }).click();
  expect(await undoBarAnimation(phone)).toBe('undo-window');
  await expect(phone.getByRole('group', { name: 'Where? (optional)' })).toBeVisible();
  await expectPanelOnOneScreen(phone, 'Done');
  await expect(cue(phone)).toBeVisible();
  await expectFingerSizedRegions(phone, REGIONS_EN);
  await expectAccessible(phone, 'phone flag panel en');
  await screenshot(phone, 'phone-flag-panel-en');
  const back = phone.getByRole('button', { name: 'between the shoulder blades' });
  await back.click();
  await expect(back).toHaveAttribute('aria-pressed', 'true');
  await phone.getByRole('button', { name: 'Strong' }).click();
  await screenshot(phone, 'phone-flag-panel-chosen-en');
  await phone.getByRole('button', { name: 'Done' }).click();
  await startClock(phone);
  await expect(phone.getByRole('button', { name: 'Relief' })).toBeVisible();

  // The back flag reaches the tablet's heat map, front and back at once.
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live.getByRole('img', { name: /between the shoulder blades/ })).toBeVisible();
  await screenshot(desk, 'tablet-heat-back-flag');

  // Need to stop: Cancel withdraws, Send alert sends; one open alert; Seen on the tablet; cleared on the next cue.
  const needToStop = phone.getByRole('button', { name: 'Need to stop' });
  await needToStop.click();
  await expect(phone.getByRole('dialog')).toBeVisible();
  await expect(phone.getByRole('button', { name: 'Send alert' })).toBeVisible();
  await expectAccessible(phone, 'phone confirm need to stop en');
  await screenshot(phone, 'phone-confirm-stop-en');
  await phone.getByRole('button', { name: 'Cancel' }).click();
  await expect(phone.getByRole('dialog')).toBeHidden();
  await expect(desk.getByText('Someone needs to stop')).toHaveCount(0);

  await needToStop.click();
  await phone.getByRole('button', { name: 'Send alert' }).click();
  await expect(phone.getByRole('status').filter({ hasText: 'The instructor has been alerted' })).toBeVisible();
  await expect(needToStop).toBeDisabled();
  await expect(desk.getByRole('button', { name: 'Seen' })).toHaveCount(1);
  await expectAccessible(phone, 'phone alert sent en');
  await screenshot(phone, 'phone-alert-sent-en');
  await desk.getByRole('button', { name: 'Seen' }).click();
  await expect(phone.getByText('The instructor has seen it')).toBeVisible();
  await expect(needToStop).toBeEnabled();
  await expectAccessible(phone, 'phone alert seen en');
  await screenshot(phone, 'phone-alert-seen-en');
  // A reload remembers it was seen, until the next cue.
  await phone.reload();
  await expect(phone.getByText('The instructor has seen it')).toBeVisible();
  await desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(cue(phone)).toContainText(/2 of \d+/);
  await expect(phone.getByText('The instructor has seen it')).toHaveCount(0);
  // This cue's focus regions on the figure, front and back at once.
  await expect(cue(phone).getByRole('img', { name: /chest, abdomen/ })).toBeVisible();
  await expectAccessible(phone, 'phone cue with figure en');
  await screenshot(phone, 'phone-cue-figure-en');
});

test('the flag panel closes only after 10 s untouched; a touch restarts the wait', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url);
  const phone = await joinPhone(browser, server.url, code);
  await phone.emulateMedia({ reducedMotion: 'reduce' });
  // The phone's clock runs only when the test moves it: the waits below are exact, and nothing sleeps.
  await phone.clock.install();
  await start(desk);
  await phone.getByRole('button', { name: 'Relief' }).click();
  // Reduced motion: the Undo bar does not shrink (its ::after has no animation).
  expect(await undoBarAnimation(phone)).toBe('none');
  const done = phone.getByRole('button', { name: 'Done' });
  await phone.clock.runFor(7_000);
  await expect(done).toBeVisible();
  await phone.getByRole('button', { name: 'Mild' }).click(); // still choosing: the wait starts again
  await phone.clock.runFor(9_500); // 16.5 s after the tap, 9.5 s after the touch
  await expect(done).toBeVisible();
  await phone.clock.runFor(1_000); // 10.5 s after the touch
  await expect(done).toBeHidden();
  await expect(phone.getByRole('button', { name: 'Relief' })).toBeVisible();
});

test('the phone in Czech: lobby, cue, flag panel and alert, with axe', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url, 'Dýchání: kam se nadechujeme');
  const { page: phone } = await newPhone(browser, 'cs-CZ');
  await phone.goto(`${server.url}/join/${code}`);
  await phone.getByRole('button', { name: 'Připojit' }).click();
  await expect(phone.getByText('Čekáme na začátek lekce')).toBeVisible();
  await expect(phone.getByRole('main')).toContainText(/Napětí klepněte, .* Uvolnění, když/);
  await expectAccessible(phone, 'phone lobby cs');
  await screenshot(phone, 'phone-lobby-cs');
  await start(desk);
  const cueCs = phone.getByRole('region', { name: 'Aktuální pokyn' });
  await expect(cueCs).toContainText(/1 z \d+/);
  await expectAccessible(phone, 'phone cue cs');
  await screenshot(phone, 'phone-cue-cs');
  await stopClock(phone);
  await phone.getByRole('button', { name: 'Napětí' }).click();
  await expectPanelOnOneScreen(phone, 'Hotovo');
  await expect(cueCs).toBeVisible();
  await expectFingerSizedRegions(phone, ['mezi lopatkami', 'krk', 'levé koleno', 'čelist', 'pravé chodidlo']);
  await expectAccessible(phone, 'phone flag panel cs');
  await screenshot(phone, 'phone-flag-panel-cs');
  await phone.getByRole('button', { name: 'mezi lopatkami' }).click();
  await phone.getByRole('button', { name: 'Silně' }).click();
  await expect(phone.getByRole('button', { name: 'mezi lopatkami' })).toHaveAttribute('aria-pressed', 'true');
  await screenshot(phone, 'phone-flag-panel-chosen-cs');
  await phone.getByRole('button', { name: 'Hotovo' }).click();
  await startClock(phone);
  await phone.getByRole('button', { name: 'Musím přestat' }).click();
  await expect(phone.getByRole('button', { name: 'Poslat upozornění' })).toBeVisible();
  await expect(phone.getByRole('button', { name: 'Zrušit' })).toBeVisible();
  await expectAccessible(phone, 'phone confirm need to stop cs');
  await screenshot(phone, 'phone-confirm-stop-cs');
  await phone.getByRole('button', { name: 'Poslat upozornění' }).click();
  await expect(phone.getByRole('status').filter({ hasText: 'Lektor byl upozorněn' })).toBeVisible();
  await expectAccessible(phone, 'phone alert sent cs');
  await screenshot(phone, 'phone-alert-sent-cs');
  await desk.getByRole('button', { name: 'Seen' }).click();
  await expect(phone.getByText('Lektor to viděl')).toBeVisible();
  await expectAccessible(phone, 'phone alert seen cs');
  await screenshot(phone, 'phone-alert-seen-cs');
});

test('the whole class over plain HTTP at a LAN name, the screen kept awake without Wake Lock', async ({ browser, server }) => {
  const { desk, code } = await openClassOnTablet(browser, server.url);
  const lan = await chromium.launch({ ...chromiumLaunch, args: [...chromiumLaunch.args, '--host-resolver-rules=MAP clinic.lan 127.0.0.1'] });
  try {
    const context = await lan.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'en-US' });
    const phone = await context.newPage();
    const port = new URL(server.url).port;
    await phone.goto(`http://clinic.lan:${port}/join/${code}`);
    expect(await phone.evaluate(() => ({ secure: isSecureContext, wakeLock: 'wakeLock' in navigator }))).toEqual({ secure: false, wakeLock: false });
    await phone.getByRole('button', { name: 'Join' }).click();
    await expect(phone.getByText('Waiting for the class to start')).toBeVisible();
    // The Join tap started the silent looping video.
    await expect(phone.locator('html')).toHaveAttribute('data-keep-awake', 'video');
    expect(await phone.evaluate(() => { const v = document.querySelector('video.keep-awake') as HTMLVideoElement; return !v.paused && v.loop && v.muted; })).toBe(true);

    await start(desk);
    await expect(cue(phone)).toContainText(/1 of \d+/);
    await phone.getByRole('button', { name: 'Tension' }).click();
    await phone.getByRole('button', { name: 'left knee' }).click();
    await phone.getByRole('button', { name: 'Done' }).click();
    const live = desk.getByRole('region', { name: 'Live responses' });
    await expect(live).toContainText('1 Tension');
    await expect(live.getByRole('img', { name: /left knee/ })).toBeVisible();

    // After a reload (no tap yet) the video waits for the first tap, then plays again.
    await phone.reload();
    await expect(cue(phone)).toContainText(/1 of \d+/);
    await phone.getByRole('button', { name: 'Relief' }).click();
    await expect(phone.locator('html')).toHaveAttribute('data-keep-awake', 'video');
    await phone.getByRole('button', { name: 'Done' }).click();
    await expect(live).toContainText('1 Relief');

    await endClassOnTablet(desk);
    await phone.getByRole('radio', { name: 'Better' }).check();
    await phone.getByRole('radio', { name: '5' }).check();
    await phone.getByRole('button', { name: 'Send feedback' }).click();
    await expect(phone.getByText('Your feedback has been sent')).toBeVisible();
    await expectAccessible(phone, 'phone on clinic.lan, feedback sent');
    await context.close();
  } finally {
    await lan.close();
  }
});
