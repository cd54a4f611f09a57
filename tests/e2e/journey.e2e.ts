/**
 * My journey in real Chromium: a phone with the opt-in joins two classes of one sequence a week apart (the
 * page's clock is set to each date) and flags with a region in both; its My journey shows both classes with
 * the region, after class and on the landing page. A phone without the opt-in keeps nothing. Export, import
 * on another phone (merging without duplicates, refusing a bad file in the page's language) and delete all.
 * The instructor's side is driven over HTTP and the instructor's socket: this file is about the phone.
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { closeAllSockets, connectInstructor, openClass, sendCommand, signUp, type Instructor } from '../helpers/clients.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { cue } from './class-steps.js';
import { expect, expectAccessible, newPhone, PHONE, TABLET, test, startServer } from './fixtures.js';

let server: SpawnedServer;
let instructor: Instructor;
test.describe.configure({ mode: 'serial' });
// Three classes on one phone, each through the real interface.
test.setTimeout(240_000);
test.beforeAll(async () => {
  server = await startServer();
  instructor = await signUp(server.url);
});
test.afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

const WEEK_1 = new Date('2025-03-03T17:00:00Z');
const WEEK_2 = new Date('2025-03-10T17:00:00Z');

/** Every localStorage key of My journey on this phone. */
const journeyKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('attune.journey')));
const keptEntries = (page: Page) => page.evaluate(() => (JSON.parse(localStorage.getItem('attune.journey') ?? '{"entries":[]}') as { entries: unknown[] }).entries);

/** The whole page, checked not to run off the side, into tests/e2e/.screens for a person to look at. */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(width, `${name}: wider than the page`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png`, fullPage: true });
}

/**
 * One class of the first starter sequence on this phone: it joins, the class starts, the phone flags Tension
 * in `region` (strong), then Relief that it takes back with Undo; the class ends and the phone sends feedback.
 */
async function takeClass(page: Page, region: string, options: { expectKeepOn: boolean; feedback: 'Better' | 'The same' }): Promise<string> {
  const opened = await openClass(instructor);
  const tablet = await connectInstructor(server.url, instructor, opened.class.classId);
  await page.goto(`${server.url}/join/${opened.class.code}`);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByText('Waiting for the class to start')).toBeVisible();
  // The lobby offers the opt-in too, and remembers the choice made on the landing page.
  const keep = page.getByRole('checkbox', { name: 'Keep my journey on this phone' });
  await expect(keep).toBeChecked({ checked: options.expectKeepOn });

  await sendCommand(tablet, 'start');
  await expect(cue(page)).toContainText(/1 of \d+/);
  await page.getByRole('button', { name: 'Tension' }).click();
  await page.getByRole('button', { name: region }).click();
  await page.getByRole('button', { name: 'Strong' }).click();
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('button', { name: 'Relief' }).click();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('button', { name: 'Relief' })).toBeVisible();

  await sendCommand(tablet, 'end');
  await page.getByRole('radio', { name: options.feedback }).check();
  await page.getByRole('radio', { name: '4' }).check();
  await page.getByRole('button', { name: 'Send feedback' }).click();
  await expect(page.getByText('Your feedback has been sent. Thank you.')).toBeVisible();
  tablet.disconnect();
  return opened.class.title;
}

let exported = '';

test('a phone with the opt-in keeps two classes of one sequence a week apart, and shows both with the region it flagged', async ({ browser }) => {
  const { page } = await newPhone(browser);
  // The page's clock stands still at each class's date (the undo window, too, stays open while it does).
  await page.clock.setFixedTime(WEEK_1);
  await page.goto(`${server.url}/`);
  const keep = page.getByRole('checkbox', { name: 'Keep my journey on this phone' });
  await expect(keep).not.toBeChecked();
  await expect(keep).toHaveAccessibleDescription(/stay on this phone only/);
  await expectAccessible(page, 'landing with the opt-in');
  await page.screenshot({ path: 'tests/e2e/.screens/journey-landing-opt-in.png' });
  await keep.check();

  const title = await takeClass(page, 'neck', { expectKeepOn: true, feedback: 'The same' });
  await page.clock.setFixedTime(WEEK_2);
  expect(await takeClass(page, 'neck', { expectKeepOn: true, feedback: 'Better' })).toBe(title);

  // After class: My journey, loaded when opened.
  await page.getByRole('button', { name: 'My journey' }).click();
  const journey = page.getByRole('region', { name: 'My journey' });
  await expect(journey).toContainText('Classes kept: 2');
  const classes = journey.getByRole('region', { name: 'Your classes' }).getByRole('listitem').filter({ has: page.locator('details') });
  await expect(classes).toHaveCount(2);
  for (const [i, date] of [
    [0, /10 Mar 2025|Mar 10, 2025/],
    [1, /3 Mar 2025|Mar 3, 2025/],
  ] as const) {
    await expect(classes.nth(i)).toContainText(title);
    await expect(classes.nth(i)).toContainText(date);
    await expect(classes.nth(i)).toContainText('tension 1, relief 0: neck');
  }
  // The undone Relief is gone; the cue's text is kept with the tap, its region and strength.
  await classes.nth(0).getByText('Cues and your taps').click();
  await expect(classes.nth(0)).toContainText('Tension (neck, strong)');
  await expect(journey.getByRole('img', { name: /Where you noticed tension and relief: neck/ })).toBeVisible();
  await expect(journey.getByRole('region', { name: 'How it moves' })).toContainText('neck: tension in 2 of the last 2 classes');
  await expect(journey.getByRole('region', { name: 'Sequences you did more than once' })).toContainText(title);
  const feedback = journey.getByRole('region', { name: 'Your feedback' });
  await expect(feedback.getByRole('listitem')).toHaveCount(2);
  await expect(feedback.getByRole('listitem').first()).toContainText('Better, 4 of 5');
  await expectAccessible(page, 'My journey after class');
  await fullScreenshot(page, 'journey-after-class');

  // Nothing the server knows about the participant is in it: no token, no flag id.
  const kept = JSON.stringify(await keptEntries(page));
  const tokens = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('attune.token.')).map((k) => localStorage.getItem(k)!));
  expect(tokens).toHaveLength(2);
  for (const token of tokens) expect(kept).not.toContain(token);

  // On the landing page too; export it as a file.
  await page.goto(`${server.url}/`);
  await expect(page.getByRole('checkbox', { name: 'Keep my journey on this phone' })).toBeChecked();
  await page.getByRole('button', { name: 'My journey' }).click();
  await expect(page.getByRole('region', { name: 'My journey' })).toContainText('Classes kept: 2');
  await fullScreenshot(page, 'journey-landing');
  await page.setViewportSize(TABLET);
  await expectAccessible(page, 'My journey on a tablet-sized screen');
  await fullScreenshot(page, 'journey-landing-tablet');
  await page.setViewportSize(PHONE);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
  expect(download.suggestedFilename()).toBe('attune-journey-2025-03-10.json');
  exported = await readFile((await download.path())!, 'utf8');
  expect(JSON.parse(exported)).toMatchObject({ format: 'attune.journey', version: 1, entries: [{ title }, { title }] });

  // Switched off, the phone keeps nothing more: a third class leaves the journey as it was.
  await page.getByRole('checkbox', { name: 'Keep my journey on this phone' }).uncheck();
  await takeClass(page, 'neck', { expectKeepOn: false, feedback: 'Better' });
  expect(await keptEntries(page)).toHaveLength(2);
  expect(await journeyKeys(page)).toEqual(['attune.journey']);
});

test('a phone without the opt-in keeps nothing', async ({ browser }) => {
  const { page } = await newPhone(browser);
  // A still clock, as above: the undo window stays open however slow the machine is.
  await page.clock.setFixedTime(WEEK_2);
  await page.goto(`${server.url}/`);
  await expect(page.getByRole('checkbox', { name: 'Keep my journey on this phone' })).not.toBeChecked();
  await takeClass(page, 'neck', { expectKeepOn: false, feedback: 'Better' });
  expect(await journeyKeys(page)).toEqual([]);
  // No My journey to offer after class, and at / it says there is nothing yet.
  await expect(page.getByRole('button', { name: 'My journey' })).toHaveCount(0);
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'My journey' }).click();
  await expect(page.getByRole('region', { name: 'My journey' })).toContainText('Nothing kept yet.');
  expect(await journeyKeys(page)).toEqual([]);
});

test('import on a new phone (in Czech): merged without duplicates, a bad file refused in the page’s language; delete all', async ({ browser }, testInfo) => {
  expect(exported, 'the first test exported a file').not.toBe('');
  const file = testInfo.outputPath('attune-journey.json');
  await writeFile(file, exported);
  const bad = testInfo.outputPath('not-a-journey.json');
  await writeFile(bad, JSON.stringify({ format: 'attune.journey', version: 1, entries: [{ id: 'x', title: 'no date' }] }));

  const { page } = await newPhone(browser, 'cs-CZ');
  await page.goto(`${server.url}/`);
  await page.getByRole('button', { name: 'Moje cesta' }).click();
  const journey = page.getByRole('region', { name: 'Moje cesta' });
  await expect(journey).toContainText('Zatím tu nic není.');
  await expectAccessible(page, 'empty My journey in Czech');
  await fullScreenshot(page, 'journey-empty-cs');

  await journey.getByLabel('Načíst ze souboru').setInputFiles(bad);
  await expect(journey.getByRole('alert')).toHaveText('Tento soubor není cesta z aplikace Attune, nebo je poškozený. Nic se nenačetlo.');
  expect(await journeyKeys(page)).toEqual([]);

  await journey.getByLabel('Načíst ze souboru').setInputFiles(file);
  await expect(journey.getByRole('status')).toHaveText('Načteno: přidané lekce 2, už tu byly 0.');
  await expect(journey).toContainText('Uložené lekce: 2');
  await expect(journey.getByRole('region', { name: 'Jak se to mění' })).toContainText('krk – napětí: 2 z posledních 2 lekcí');
  // The same file again adds nothing.
  await journey.getByLabel('Načíst ze souboru').setInputFiles(file);
  await expect(journey.getByRole('status')).toHaveText('Načteno: přidané lekce 0, už tu byly 2.');
  expect(await keptEntries(page)).toHaveLength(2);
  await expectAccessible(page, 'My journey in Czech');
  await fullScreenshot(page, 'journey-cs');
  await page.setViewportSize(TABLET);
  await fullScreenshot(page, 'journey-cs-tablet');
  await page.setViewportSize(PHONE);

  // Delete all asks first; Cancel keeps everything.
  await journey.getByRole('button', { name: 'Smazat vše' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Smazat celou cestu z tohoto telefonu?');
  await page.screenshot({ path: 'tests/e2e/.screens/journey-delete-cs.png' });
  await dialog.getByRole('button', { name: 'Zrušit' }).click();
  expect(await keptEntries(page)).toHaveLength(2);
  await journey.getByRole('button', { name: 'Smazat vše' }).click();
  await dialog.getByRole('button', { name: 'Smazat vše' }).click();
  await expect(journey.getByRole('status')).toHaveText('Vaše cesta byla z tohoto telefonu smazána.');
  await expect(journey).toContainText('Zatím tu nic není.');
  expect(await journeyKeys(page)).toEqual([]);

  // In English, a file that is not JSON is refused in English.
  await page.getByRole('button', { name: 'English' }).click();
  await page.locator('#my-journey-host input[type=file]').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('neck, shoulders') });
  await expect(page.getByRole('alert')).toHaveText('This file is not a journey (it is not JSON). Nothing was imported.');
});
