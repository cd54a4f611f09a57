/**
 * Sequences and accounts in Chromium, through roles and accessible names: an instructor writes a sequence on
 * the tablet (three cues, regions on the body figure, a duration), is stopped by inline validation, reorders by
 * keyboard and by dragging, exports, deletes, imports the file back and opens a class from it; a bad file is
 * refused naming the field; a colleague is added and must choose their own password. This file starts its own
 * server, so its accounts do not depend on which other files ran in the same worker.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { PHONE, expect, expectAccessible, newPhone, newTablet, screenshot, test, startServer } from './fixtures.js';

const EMAIL = 'editor@clinic.test';
const PASSWORD = 'correct horse battery';

let server: SpawnedServer;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server.stop();
  removeDataDir(server);
});

async function signIn(browser: Browser, options: { locale?: string; phone?: boolean; email?: string; password?: string } = {}) {
  const { page } = options.phone ? await newPhone(browser, options.locale) : await newTablet(browser, options.locale);
  await page.goto(`${server.url}/instructor`);
  await page.locator('#email').fill(options.email ?? EMAIL);
  await page.locator('#password').fill(options.password ?? PASSWORD);
  await page.locator('form button[type="submit"]').click();
  return page;
}

const cueGroup = (page: Page, n: number) => page.getByRole('group', { name: `Cue ${n}`, exact: true });
const cueTexts = (page: Page) => page.getByLabel('Text for participants').evaluateAll((areas) => areas.map((a) => (a as HTMLTextAreaElement).value));
const card = (page: Page, title: string): Locator =>
  page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title, exact: true }) });

test('an instructor writes, reorders, exports, deletes and re-imports a sequence, then opens a class from it', async ({ browser }) => {
  const { page: desk } = await newTablet(browser);
  await desk.goto(`${server.url}/instructor`);
  await desk.getByLabel('E-mail').fill(EMAIL);
  await desk.getByLabel('Password').fill(PASSWORD);
  await desk.getByRole('button', { name: 'Create account' }).click();
  await expect(desk.getByRole('button', { name: 'Open class' }).first()).toBeVisible();
  await expectAccessible(desk, 'sequence list');
  await screenshot(desk, 'tablet-sequences');

  // Write three cues: regions picked on the figure (front and back), a duration, a private note.
  await desk.getByRole('link', { name: 'New sequence' }).click();
  await expect(desk).toHaveURL(/\/instructor\/sequences\/new$/);
  await desk.getByLabel('Title').fill('Morning neck');
  await cueGroup(desk, 1).getByLabel('Text for participants').fill('Notice your jaw.');
  await cueGroup(desk, 1).getByRole('button', { name: 'jaw', exact: true }).click();
  await expect(cueGroup(desk, 1).getByRole('button', { name: 'jaw', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await cueGroup(desk, 1).getByLabel('Duration in seconds (optional)').fill('30');

  await desk.getByRole('button', { name: 'Add cue' }).click();
  await expect(cueGroup(desk, 2).getByLabel('Text for participants')).toBeFocused();
  await desk.keyboard.type('Let the neck grow long.');
  const figure2 = cueGroup(desk, 2);
  await figure2.getByRole('button', { name: 'neck', exact: true }).press('Enter');
  await figure2.getByRole('button', { name: 'between the shoulder blades' }).click();
  await expect(figure2).toContainText('Focus: neck, between the shoulder blades');

  await desk.getByRole('button', { name: 'Add cue' }).click();
  await cueGroup(desk, 3).getByLabel('Text for participants').fill('Rest, and notice what changed.');
  await cueGroup(desk, 3).getByLabel('Private note (only you see it)').fill('Take your time.');

  // Nothing is saved half-valid: the bad fields say why, in place.
  await cueGroup(desk, 3).getByLabel('Duration in seconds (optional)').fill('3');
  await cueGroup(desk, 2).getByLabel('Text for participants').fill('x'.repeat(281));
  await desk.getByRole('button', { name: 'Save' }).click();
  await expect(cueGroup(desk, 3)).toContainText('Enter whole seconds from 5 to 900, or leave it empty.');
  await expect(cueGroup(desk, 2)).toContainText('Write the cue’s text: 1 to 280 characters.');
  await expect(cueGroup(desk, 2)).toContainText('281 of 280 characters');
  await expect(desk.getByRole('alert')).toContainText('Nothing was saved. Fix the marked fields (2).');
  await expect(cueGroup(desk, 2).getByLabel('Text for participants')).toBeFocused();
  await expectAccessible(desk, 'editor with errors');
  await screenshot(desk, 'tablet-editor-errors');
  expect((await (await desk.request.get(`${server.url}/api/sequences`)).json()).map((s: Sequence) => s.title)).not.toContain('Morning neck');

  await cueGroup(desk, 2).getByLabel('Text for participants').fill('Let the neck grow long.');
  await cueGroup(desk, 3).getByLabel('Duration in seconds (optional)').fill('');
  await desk.getByRole('button', { name: 'Save' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(desk).toHaveURL(/\/instructor\/sequences\/[0-9a-f-]{36}$/);
  await expect(desk.getByRole('heading', { name: 'Edit sequence' })).toBeVisible();

  // Reorder by keyboard: the last cue to the top, the keyboard staying on the button.
  const moveUp = cueGroup(desk, 3).getByRole('button', { name: 'Move up' });
  await moveUp.focus();
  await desk.keyboard.press('Enter');
  await expect(desk.getByRole('status').filter({ hasText: 'Cue moved to position 2 of 3.' })).toBeVisible();
  await desk.keyboard.press('Enter');
  await expect(desk.getByRole('status').filter({ hasText: 'Cue moved to position 1 of 3.' })).toBeVisible();
  // At the top Move up is disabled, so the keyboard is on Move down of the same cue.
  await expect(cueGroup(desk, 1).getByRole('button', { name: 'Move down' })).toBeFocused();
  expect(await cueTexts(desk)).toEqual(['Rest, and notice what changed.', 'Notice your jaw.', 'Let the neck grow long.']);

  // And by dragging the handle (pointer events, as a finger would): the first cue below the second.
  const handle = cueGroup(desk, 1).locator('.handle');
  const from = (await handle.boundingBox())!;
  const target = (await cueGroup(desk, 2).boundingBox())!;
  await desk.mouse.move(from.x + from.width / 2, from.y + 20);
  await desk.mouse.down();
  await desk.mouse.move(from.x + from.width / 2, target.y + target.height * 0.75, { steps: 8 });
  await desk.mouse.up();
  expect(await cueTexts(desk)).toEqual(['Notice your jaw.', 'Rest, and notice what changed.', 'Let the neck grow long.']);
  await expect(desk.locator('.dragging')).toHaveCount(0);

  await desk.getByRole('button', { name: 'Save' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expectAccessible(desk, 'editor');
  await screenshot(desk, 'tablet-editor');

  // Export: the download is the versioned file with everything in it.
  await desk.getByRole('link', { name: 'All sequences and classes' }).click();
  const written = card(desk, 'Morning neck');
  // Export and Delete are the rarer actions: in the card's menu.
  await written.getByRole('button', { name: 'More actions' }).click();
  const [download] = await Promise.all([desk.waitForEvent('download'), written.getByRole('link', { name: 'Export' }).click()]);
  expect(download.suggestedFilename()).toBe('morning-neck.attune.json');
  const filePath = await download.path();
  const exported = JSON.parse(readFileSync(filePath, 'utf8'));
  expect(exported).toEqual({
    format: 'attune.sequence/v1',
    title: 'Morning neck',
    language: 'en',
    cues: [
      { text: 'Notice your jaw.', regions: ['jaw'], durationSeconds: 30 },
      { text: 'Rest, and notice what changed.', note: 'Take your time.', regions: [] },
      { text: 'Let the neck grow long.', regions: ['neck', 'upper-back'] },
    ],
  });

  // Delete, with a confirmation that says past classes stay.
  await written.getByRole('button', { name: 'More actions' }).click();
  await written.getByRole('button', { name: 'Delete' }).click();
  const dialog = desk.getByRole('dialog', { name: 'Delete “Morning neck”?' });
  await expect(dialog).toContainText('Its past classes and their summaries stay.');
  await expectAccessible(desk, 'delete confirmation');
  await screenshot(desk, 'tablet-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete sequence' }).click();
  await expect(desk.getByRole('status').filter({ hasText: 'Deleted “Morning neck”.' })).toBeVisible();
  await expect(written).toHaveCount(0);

  // Import the file back: the same sequence again.
  await desk.getByLabel('Import').setInputFiles(filePath);
  await expect(desk.getByRole('status').filter({ hasText: 'Imported “Morning neck”.' })).toBeVisible();
  await expect(card(desk, 'Morning neck')).toContainText('3 cues');

  // Open a class from it: the class runs these cues.
  await card(desk, 'Morning neck').getByRole('button', { name: 'Open class' }).click();
  await expect(desk).toHaveURL(/\/instructor\/classes\/[^/]+$/);
  const classId = desk.url().split('/').pop()!;
  const details = (await (await desk.request.get(`${server.url}/api/classes/${classId}`)).json()) as ClassDetails;
  expect(details.class.title).toBe('Morning neck');
  expect(details.class.cues).toEqual(exported.cues);
});

test('a bad file is refused naming the field and the problem, and nothing is added', async ({ browser }) => {
  const desk = await signIn(browser);
  await expect(desk.getByRole('button', { name: 'Open class' }).first()).toBeVisible();
  const count = await desk.getByRole('button', { name: 'Open class' }).count();
  const bad = { format: 'attune.sequence/v1', title: 'Broken', language: 'en', cues: [{ text: 'fine' }, { text: '' }] };
  await desk.getByLabel('Import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const alert = desk.getByRole('alert');
  await expect(alert).toContainText('The file was not imported: the file is not a valid Attune sequence.');
  await expect(alert).toContainText('cues[1].text: must be 1–280 characters');
  await desk.getByLabel('Import').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('title: Neck') });
  await expect(alert).toContainText('not JSON');
  await expect(desk.getByRole('button', { name: 'Open class' })).toHaveCount(count);
  await expectAccessible(desk, 'import refused');
  await screenshot(desk, 'tablet-import-refused');
});

test('the editor reads well on a tablet and a phone, in English and in Czech', async ({ browser }) => {
  for (const [locale, size] of [['en-US', 'phone'], ['cs-CZ', 'tablet'], ['cs-CZ', 'phone']] as const) {
    const page = await signIn(browser, { locale, phone: size === 'phone' });
    // A library sequence is changed as a copy: More actions, Use a copy, and the copy opens in the editor.
    const library = page.getByRole('region', { name: locale === 'cs-CZ' ? 'Knihovna kliniky' : 'The clinic’s library' });
    await library.getByRole('button', { name: locale === 'cs-CZ' ? 'Další akce' : 'More actions' }).first().click();
    await library.getByRole('button', { name: locale === 'cs-CZ' ? 'Použít kopii' : 'Use a copy' }).first().click();
    await expect(page.getByLabel(locale === 'cs-CZ' ? 'Text pro účastníky' : 'Text for participants').first()).not.toBeEmpty();
    if (size === 'phone') expect(page.viewportSize()).toEqual(PHONE);
    await expectAccessible(page, `editor ${locale} ${size}`);
    await screenshot(page, `${size}-editor-${locale.slice(0, 2)}`);
    if (size === 'phone') {
      await page.goto(`${server.url}/instructor`);
      await expect(page.getByRole('button', { name: locale === 'cs-CZ' ? 'Otevřít lekci' : 'Open class' }).first()).toBeVisible();
      await screenshot(page, `phone-sequences-${locale.slice(0, 2)}`);
    }
    await page.context().close();
  }
});
