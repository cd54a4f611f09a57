/**
 * After class in real Chromium: four phones, the end turns them into the feedback form (three send, one skips
 * and stays skipped after a reload); the instructor reads the summary, downloads the CSV and JSON exports and
 * opens the printable page. Its own server, so the account and the history are this file's alone; the trend
 * after several classes is trend.e2e.ts.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ClassSummary } from '../../shared/schemas/summary.js';
import { closeAllSockets } from '../helpers/clients.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { firstEnglishSequence, fullScreenshot, openClassOf, signIn, watchPolicy } from './after-class-steps.js';
import { endClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, newPhone, newTablet, PHONE, screenshot, TABLET, test, startServer } from './fixtures.js';

let server: SpawnedServer;
test.beforeAll(async () => {
  // A 45-second feedback window: feedback is published in one batch when it closes (so no answer can be timed).
  server = await startServer({ env: { FEEDBACK_WINDOW_MINUTES: '0.75' } });
});
test.afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

test('four phones end the class: three send feedback, one skips; the summary, its exports and the printable page', async ({ browser }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const violations = watchPolicy(desk);
  await signIn(desk, server.url);
  const sequence = await firstEnglishSequence(desk, server.url);
  const opened = await openClassOf(desk, server.url, sequence.id);

  const phones: Page[] = [];
  // The fourth phone reads Czech.
  for (const czech of [false, false, false, true]) {
    const phone = (await newPhone(browser, czech ? 'cs-CZ' : 'en-US')).page;
    await phone.goto(`${server.url}/join/${opened.code}`);
    await phone.getByRole('button', { name: czech ? 'Připojit' : 'Join' }).click();
    await expect(phone.getByText(czech ? 'Čekáme na začátek lekce' : 'Waiting for the class to start')).toBeVisible();
    phones.push(phone);
  }
  const [p1, p2, p3, p4] = phones as [Page, Page, Page, Page];

  await desk.goto(`${server.url}/instructor/classes/${opened.classId}`);
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const phone of [p1, p2, p3]) await expect(phone.getByRole('region', { name: 'Current cue' })).toContainText(/1 of \d+/);
  await expect(p4.getByRole('region', { name: 'Aktuální pokyn' })).toContainText(/1 z \d+/);

  // Cue 1: three participants, one of them saying where and how strong. Cue 2: only one.
  await p1.getByRole('button', { name: 'Tension' }).click();
  await p1.getByRole('button', { name: 'neck' }).click();
  await p1.getByRole('button', { name: 'Strong' }).click();
  await p2.getByRole('button', { name: 'Tension' }).click();
  await p3.getByRole('button', { name: 'Relief' }).click();
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText('from 3 participants');
  await desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(p4.getByRole('region', { name: 'Aktuální pokyn' })).toContainText(/2 z \d+/);
  await p4.getByRole('button', { name: 'Uvolnění' }).click();
  await expect(live).toContainText('from 1 participant');

  await endClassOnTablet(desk);

  // Every phone becomes the feedback form.
  for (const phone of [p1, p2, p3]) await expect(phone.getByRole('button', { name: 'Send feedback' })).toBeVisible();
  await expect(p4.getByRole('button', { name: 'Odeslat zpětnou vazbu' })).toBeVisible();
  await expectAccessible(p4, 'feedback form in Czech');
  await screenshot(p4, 'phone-feedback-form-cs');
  await expectAccessible(p1, 'feedback form');
  await screenshot(p1, 'phone-feedback-form');

  // Sending without choosing says what is missing.
  await p1.getByRole('button', { name: 'Send feedback' }).click();
  await expect(p1.getByRole('alert')).toContainText('Choose how you feel and a rating first.');
  await p1.getByRole('radio', { name: 'Better' }).check();
  await p1.getByRole('radio', { name: '5' }).check();
  await p1.getByLabel('Comment (optional)').fill('Ramena povolila, díky – krásná lekce');
  await screenshot(p1, 'phone-feedback-filled');
  await p1.getByRole('button', { name: 'Send feedback' }).click();
  await expect(p1.getByText('Your feedback has been sent. Thank you.')).toBeVisible();
  await expectAccessible(p1, 'feedback sent');
  await screenshot(p1, 'phone-feedback-sent');

  await p2.getByRole('radio', { name: 'Better' }).check();
  await p2.getByRole('radio', { name: '4' }).check();
  await p2.getByLabel('Comment (optional)').fill('=1+1, "quoted"');
  await p2.getByRole('button', { name: 'Send feedback' }).click();
  await expect(p2.getByText('Your feedback has been sent. Thank you.')).toBeVisible();

  await p3.getByRole('radio', { name: 'The same' }).check();
  await p3.getByRole('radio', { name: '3' }).check();
  await p3.getByRole('button', { name: 'Send feedback' }).click();
  await expect(p3.getByText('Your feedback has been sent. Thank you.')).toBeVisible();

  // Skip sends nothing, and the form stays closed on that phone, also after a reload.
  await p4.getByRole('button', { name: 'Přeskočit' }).click();
  await expect(p4.getByRole('button', { name: 'Odeslat zpětnou vazbu' })).toHaveCount(0);
  await expect(p4.getByText('Lekce skončila')).toBeVisible();
  await p4.reload();
  await expect(p4.getByText('Lekce skončila')).toBeVisible();
  await expect(p4.getByRole('button', { name: 'Odeslat zpětnou vazbu' })).toHaveCount(0);
  await screenshot(p4, 'phone-feedback-skipped');

  // The instructor reads the summary from the ended class.
  await desk.getByRole('link', { name: 'Open summary' }).click();
  await expect(desk).toHaveURL(new RegExp(`/instructor/classes/${opened.classId}/summary$`));
  const feedback = desk.getByRole('region', { name: 'Feedback' });
  await expect(feedback).toContainText('Feedback appears when the feedback window closes');
  await expect(async () => {
    await desk.reload();
    await expect(feedback).toContainText('3 answers', { timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
  await expect(feedback).toContainText('mean rating 4 of 5');
  await expect(feedback.getByRole('listitem')).toHaveCount(2);
  await expect(feedback).toContainText('Ramena povolila, díky – krásná lekce');
  const cues = desk.getByRole('region', { name: 'Cues' });
  const first = cues.getByRole('article').nth(0);
  await expect(first).toContainText('2 Tension');
  await expect(first).toContainText('1 Relief');
  await expect(first).toContainText('from 3 participants');
  await expect(first.getByRole('img', { name: /Where in the body, Front: neck/ })).toBeVisible();
  await expect(cues.getByRole('article').nth(1)).toContainText('Fewer than 3 participants answered this cue');
  await expect(desk.getByRole('region', { name: 'Timeline', exact: true }).getByRole('row')).toHaveCount(3);
  await expectAccessible(desk, 'summary');
  await screenshot(desk, 'tablet-summary');
  await fullScreenshot(desk, 'tablet-summary-full');
  await desk.setViewportSize(PHONE);
  await expectAccessible(desk, 'summary on a phone');
  await fullScreenshot(desk, 'phone-summary');
  await desk.setViewportSize(TABLET);

  // CSV: UTF-8 with BOM, Czech intact, the formula neutralised, the withheld cue without numbers.
  const [csvDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(csvDownload.suggestedFilename()).toMatch(/^attune-summary-[A-Z0-9]{6}-\d{4}-\d{2}-\d{2}\.csv$/);
  const csvBytes = await readFile((await csvDownload.path())!);
  expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = csvBytes.toString('utf8');
  expect(csv).toContain('section,item,cue,cue_text,measure,value\r\n');
  expect(csv).toContain('feedback,,,,answers,3\r\n');
  expect(csv).toContain('"Ramena povolila, díky – krásná lekce"');
  expect(csv).toContain(`"'=1+1, ""quoted"""`);
  expect(csv).toMatch(/\r\ncue,,2,[^\r]*,withheld,fewer than 3 participants\r\n/);

  // JSON: the same summary the page shows.
  const [jsonDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Export JSON' }).click()]);
  expect(jsonDownload.suggestedFilename()).toMatch(/\.json$/);
  const exported = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as ClassSummary;
  expect(exported).toMatchObject({ format: 'attune.summary/v1', classId: opened.classId, participants: 4, threshold: 3, feedback: { answers: 3 } });
  expect(exported.cues[0]!.figures).toMatchObject({ tension: 2, relief: 1, participants: 3, regions: { neck: { tension: 1, relief: 0 } } });
  expect(exported.cues[1]!.figures).toBeNull();

  // The printable page: the summary without controls; in print the Print button goes too.
  await desk.getByRole('link', { name: 'Printable page' }).click();
  await expect(desk).toHaveURL(/\/summary\/print$/);
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText(opened.title);
  await expect(desk.getByRole('region', { name: 'Feedback' })).toContainText('3 answers');
  await expect(desk.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
  await expect(desk.getByLabel('Anonymity threshold (participants)')).toHaveCount(0);
  await expectAccessible(desk, 'printable summary');
  await screenshot(desk, 'tablet-summary-printable');
  await desk.emulateMedia({ media: 'print' });
  await expect(desk.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(desk.getByRole('button', { name: 'Sign out' })).toBeHidden();
  await desk.setViewportSize({ width: 794, height: 1123 }); // A4 at 96 dpi
  await fullScreenshot(desk, 'print-summary-a4');
  expect(violations).toEqual([]);
});

