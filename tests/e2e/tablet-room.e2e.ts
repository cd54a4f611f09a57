/**
 * The tablet as a room uses it, through the contract's names: the lobby's large QR code, Show join code mid-class,
 * the paused band, a presentation clicker's keys after a click, a back-of-body flag as text in Live responses,
 * End class confirmed in the page, the ended page's Open summary and feedback count, and the 404 pages. axe and
 * screenshots in English and Czech at every state.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from '@playwright/test';
import { connectParticipant, emitAck } from '../helpers/clients.js';
import { cue } from './class-steps.js';
import { expect as baseExpect, expectAccessible, newPhone, newTablet, screenshot, test } from './fixtures.js';

// The machine is shared: waits are generous, the assertions are not.
const expect = baseExpect.configure({ timeout: 15_000 });

/**
 * axe and a screenshot in English, then the same in Czech (the page's own switch), then back to English. A
 * state inside a modal dialog gives `reopen`: the dialog is closed to reach the switch and opened again.
 */
async function inBothLanguages(
  desk: Page,
  name: string,
  czechCheck: (desk: Page) => Promise<void>,
  reopen?: (desk: Page, language: 'cs' | 'en') => Promise<void>,
): Promise<void> {
  await expectAccessible(desk, `${name} (en)`);
  await screenshot(desk, `${name}-en`);
  if (reopen) await desk.keyboard.press('Escape');
  await desk.getByRole('button', { name: 'Čeština' }).click();
  if (reopen) await reopen(desk, 'cs');
  await czechCheck(desk);
  await expectAccessible(desk, `${name} (cs)`);
  await screenshot(desk, `${name}-cs`);
  if (reopen) await desk.keyboard.press('Escape');
  await desk.getByRole('button', { name: 'English' }).click();
  if (reopen) await reopen(desk, 'en');
}

/** class-steps' openClassOnTablet and joinPhone, with this file's generous waits (the machine is shared). */
async function openClassOnTablet(browser: Browser, url: string): Promise<{ desk: Page; code: string }> {
  const { page: desk } = await newTablet(browser);
  await desk.goto(`${url}/instructor`);
  await desk.getByLabel('E-mail').fill('lead@clinic.test');
  await desk.getByLabel('Password').fill('correct horse battery');
  await desk.getByRole('button', { name: 'Create account' }).click();
  await desk.getByRole('button', { name: 'Open class' }).first().click();
  const joinCode = desk.getByRole('region', { name: 'Join code' });
  await expect(joinCode).toContainText(/[A-HJKMNP-Z2-9]{6}/);
  return { desk, code: /[A-HJKMNP-Z2-9]{6}/.exec((await joinCode.textContent()) ?? '')![0] };
}

async function joinPhone(browser: Browser, url: string, code: string): Promise<Page> {
  const { page } = await newPhone(browser);
  await page.goto(`${url}/join/${code}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByText('Waiting for the class to start')).toBeVisible();
  return page;
}

const fontPx = (page: Page, selector: string) =>
  page.locator(selector).first().evaluate((element) => parseFloat(getComputedStyle(element).fontSize));

test('a class on the tablet from lobby to ended, legible from the mat and driven by a clicker', async ({ browser, server }) => {
  test.setTimeout(600_000);
  const { desk, code } = await openClassOnTablet(browser, server.url);

  // Lobby: the QR code at least a third of the screen's height, the code beside it.
  const joinCode = desk.getByRole('region', { name: 'Join code' });
  await expect(joinCode).toContainText(code);
  const qr = await joinCode.locator('svg').boundingBox();
  expect(qr!.height).toBeGreaterThanOrEqual(820 / 3);
  await expect(desk).toHaveTitle(/Breathing.*Lobby.*Attune/);
  await inBothLanguages(desk, 'tablet-room-lobby', async (d) => {
    await expect(d.getByRole('region', { name: 'Kód pro připojení' })).toContainText(code);
    await expect(d.getByRole('button', { name: 'Zahájit lekci' })).toBeVisible();
  });

  const phones = [await joinPhone(browser, server.url, code), await joinPhone(browser, server.url, code), await joinPhone(browser, server.url, code)];
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const phone of phones) await expect(cue(phone)).toContainText(/1 of 12/);
  await expect(joinCode).toHaveCount(0);

  // A back-of-body flag appears in Live responses as text, with its counts; a front one beside it. They come from
  // a phone speaking the protocol (the browser phones' flag panel closes by itself on a slow machine); a browser
  // phone adds a plain Relief.
  const [p1, p2] = phones as [Page, Page, Page];
  const socketPhone = await connectParticipant(server.url, code);
  try {
    for (const [kind, region] of [['tension', 'upper-back'], ['relief', 'neck']] as const) {
      const ack = await emitAck(socketPhone, 'flag:submit', { flagId: randomUUID(), cueIndex: 0, kind, region });
      expect(ack.ok).toBe(true);
    }
  } finally {
    socketPhone.disconnect();
  }
  await p2.getByRole('button', { name: 'Relief' }).click();
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText('1 Tension');
  await expect(live).toContainText('2 Relief');
  await expect(live).toContainText('between the shoulder blades — tension 1, relief 0');
  await expect(live).toContainText('neck — tension 0, relief 1');

  // Show join code brings the code and the QR back for a latecomer; Close returns to the class.
  await desk.getByRole('button', { name: 'Show join code' }).click();
  const dialog = desk.getByRole('dialog');
  await expect(dialog.getByRole('region', { name: 'Join code' })).toContainText(code);
  expect((await dialog.locator('svg').boundingBox())!.height).toBeGreaterThanOrEqual(820 / 3);
  await inBothLanguages(desk, 'tablet-room-join-dialog', async (d) => {
    await expect(d.getByRole('dialog').getByRole('region', { name: 'Kód pro připojení' })).toBeVisible();
  }, (d, language) => d.getByRole('button', { name: language === 'cs' ? 'Ukázat kód pro připojení' : 'Show join code' }).click());
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(live).toBeVisible();
  await inBothLanguages(desk, 'tablet-room-running', async (d) => {
    await expect(d.getByRole('region', { name: 'Odpovědi živě' })).toContainText('mezi lopatkami — napětí 1, uvolnění 0');
  });

  // The clicker after a click: Next cue is clicked (and keeps the focus); Space then pauses, it does not advance.
  const position = desk.locator('.position');
  await desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(position).toContainText('2 of 12');
  await expect(cue(p1)).toContainText('2 of 12');
  await expect(desk.getByRole('button', { name: 'Next cue' })).toBeFocused();
  await desk.evaluate(() => {
    (window as unknown as { clicks: number }).clicks = 0;
    document.addEventListener('click', () => (window as unknown as { clicks: number }).clicks++, true);
  });
  await desk.keyboard.press('Space');
  await expect(desk.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible();
  await expect(cue(p1)).toContainText('2 of 12');
  await expect(position).toContainText('2 of 12');
  expect(await desk.evaluate(() => (window as unknown as { clicks: number }).clicks)).toBe(0);
  await expect(desk.getByRole('button', { name: 'Resume', exact: true })).toBeVisible();
  await expect(desk.getByRole('button', { name: 'Pause', exact: true })).toHaveCount(0);

  // Paused is a band across the room; the countdown, the note and the next cue are large.
  await expect(desk.getByText('Resume with the button, Space or B')).toBeVisible();
  expect(await fontPx(desk, '.paused-word')).toBeGreaterThanOrEqual(48);
  expect(await fontPx(desk, '.countdown')).toBeGreaterThanOrEqual(48);
  expect(await fontPx(desk, '.note')).toBeGreaterThanOrEqual(22);
  expect(await fontPx(desk, '.next-up')).toBeGreaterThanOrEqual(22);
  await inBothLanguages(desk, 'tablet-room-paused', async (d) => {
    await expect(d.getByRole('status').filter({ hasText: 'Pozastaveno' })).toBeVisible();
  });

  // B resumes; PageDown/PageUp and the arrows move, wherever the focus is.
  await desk.keyboard.press('b');
  await expect(desk.getByRole('status').filter({ hasText: 'Running' })).toBeVisible();
  await expect(desk.getByRole('button', { name: 'Pause', exact: true })).toBeVisible();
  for (const [key, n] of [['PageDown', 3], ['PageUp', 2], ['ArrowRight', 3], ['ArrowLeft', 2], ['ArrowDown', 3], ['ArrowUp', 2]] as const) {
    await desk.keyboard.press(key);
    await expect(position).toContainText(`${n} of 12`);
    await expect(cue(p1)).toContainText(`${n} of 12`);
  }
  await desk.getByRole('button', { name: 'Show join code' }).focus();
  await desk.keyboard.press('Space');
  await expect(desk.getByRole('status').filter({ hasText: 'Paused' })).toBeVisible();
  await expect(desk.getByRole('dialog')).toHaveCount(0);
  await desk.keyboard.press(' ');
  await expect(desk.getByRole('status').filter({ hasText: 'Running' })).toBeVisible();

  // End class asks in the page: Cancel keeps the class, the dialog's End class ends it.
  await desk.getByRole('button', { name: 'End class' }).click();
  const endDialog = desk.getByRole('dialog', { name: 'End the class for everyone?' });
  await expect(endDialog).toBeVisible();
  await inBothLanguages(desk, 'tablet-room-end-dialog', async (d) => {
    await expect(d.getByRole('dialog', { name: 'Ukončit lekci pro všechny?' }).getByRole('button', { name: 'Ukončit lekci' })).toBeVisible();
  }, (d, language) => d.getByRole('button', { name: language === 'cs' ? 'Ukončit lekci' : 'End class' }).click());
  await endDialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(endDialog).toHaveCount(0);
  await expect(desk.getByRole('status').filter({ hasText: 'Running' })).toBeVisible();
  await expect(cue(p1)).toContainText('2 of 12');
  await desk.getByRole('button', { name: 'End class' }).click();
  await endDialog.getByRole('button', { name: 'End class' }).click();

  // Ended: Open summary, large; the feedback count; no QR, no disabled controls left behind.
  const openSummary = desk.getByRole('link', { name: 'Open summary' });
  await expect(openSummary).toBeVisible();
  expect((await openSummary.boundingBox())!.height).toBeGreaterThanOrEqual(64);
  await expect(desk.getByRole('region', { name: 'Join code' })).toHaveCount(0);
  for (const name of ['Previous cue', 'Pause', 'Resume', 'Next cue', 'End class', 'Show join code']) {
    await expect(desk.getByRole('button', { name, exact: true })).toHaveCount(0);
  }
  await expect(desk).toHaveTitle(/Ended/);
  // How many phones sent feedback so far, counted in steps of K (3) so that no single answer can be timed
  // (issue 12): fewer than 3 until the third answer, then "3+".
  const feedbackSent = desk.locator('.presence div').filter({ hasText: 'Sent feedback' });
  await expect(feedbackSent).toContainText('< 3');
  await expect(desk.getByText('Phones can send feedback until')).toBeVisible();

  for (const [i, phone] of phones.entries()) {
    await phone.getByRole('radio', { name: 'Better' }).check();
    await phone.getByRole('radio', { name: String(5 - i) }).check();
    await phone.getByRole('button', { name: 'Send feedback' }).click();
    await expect(phone.getByRole('button', { name: 'Send feedback' })).toHaveCount(0);
  }
  await expect(feedbackSent).toContainText('3+');
  await inBothLanguages(desk, 'tablet-room-ended', async (d) => {
    await expect(d.getByRole('link', { name: 'Otevřít souhrn' })).toBeVisible();
  });
  await openSummary.click();
  await expect(desk).toHaveURL(/\/instructor\/classes\/[^/]+\/summary$/);
});

test('unknown addresses get a real 404 page, in English and in Czech', async ({ browser, server }) => {
  test.setTimeout(240_000);
  for (const [locale, heading, other] of [
    ['en-US', 'Page not found', 'Stránka nenalezena'],
    ['cs-CZ', 'Stránka nenalezena', 'Page not found'],
  ] as const) {
    const language = locale.slice(0, 2);
    for (const [device, open] of [
      ['tablet', newTablet],
      ['phone', newPhone],
    ] as const) {
      const { page } = await open(browser, locale);
      const response = await page.goto(`${server.url}/nonsense`);
      expect(response!.status()).toBe(404);
      await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByRole('heading', { level: 2 })).toHaveText(other);
      await expect(page).toHaveTitle(`${heading} · Attune`);
      await expectAccessible(page, `server 404 ${locale} ${device}`);
      await screenshot(page, `${device}-404-server-${language}`);

      await page.goto(`${server.url}/instructor/anything/at/all`);
      await expect(page.getByRole('main').getByRole('heading', { level: 1 })).toHaveText(heading);
      await expect(page.getByRole('link', { name: language === 'cs' ? 'Přejít na sekvence a lekce' : 'Go to your sequences and classes' })).toBeVisible();
      await expect(page).toHaveTitle(`${heading} · Attune`);
      await expectAccessible(page, `instructor 404 ${locale} ${device}`);
      await screenshot(page, `${device}-404-instructor-${language}`);
      await page.context().close();
    }
  }
});
