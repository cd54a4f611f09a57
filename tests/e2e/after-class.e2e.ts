/**
 * After class in real Chromium: four phones, the end turns them into the feedback form (three send, one skips
 * and stays skipped after a reload); the instructor reads the summary, downloads the CSV and JSON exports and
 * opens the printable page; after three classes of one sequence, its trend. Its own server, so the account
 * and the history are this file's alone.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { ClassSummary } from '../../shared/schemas/summary.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, httpClient, last, type TestSocket } from '../helpers/clients.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { endClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, newPhone, newTablet, PHONE, screenshot, TABLET, test, startServer } from './fixtures.js';

let server: SpawnedServer;
test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  // A 45-second feedback window: feedback is published in one batch when it closes (so no answer can be timed).
  server = await startServer({ env: { FEEDBACK_WINDOW_MINUTES: '0.75' } });
});
test.afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

/** The whole page, not just the viewport (these pages are long), which must not run off the side. */
async function fullScreenshot(page: Page, name: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-scroll, .visually-hidden'))
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
      .slice(0, 5);
  });
  expect(overflow, `${name}: wider than the page`).toEqual([]);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png`, fullPage: true });
}

/** What the browser refuses under the server's Content-Security-Policy, as it says so on the console. */
function watchPolicy(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

const credentials = { email: 'lead@clinic.test', password: 'correct horse battery' };

/** Signs the tablet's browser in (creating the first account on the first call) and returns its cookie. */
async function signIn(page: Page): Promise<string> {
  const signup = await page.request.post(`${server.url}/api/auth/signup`, { data: credentials });
  if (!signup.ok()) expect((await page.request.post(`${server.url}/api/auth/signin`, { data: credentials })).ok()).toBe(true);
  const session = (await page.context().cookies()).find((c) => c.name === 'attune_session');
  return `attune_session=${session!.value}`;
}

async function firstEnglishSequence(page: Page): Promise<Sequence> {
  const sequences = (await (await page.request.get(`${server.url}/api/library`)).json()) as Sequence[];
  return sequences.find((s) => s.language === 'en')!;
}

async function openClassOf(page: Page, sequenceId: string): Promise<ClassDetails['class']> {
  const details = (await (await page.request.post(`${server.url}/api/classes`, { data: { sequenceId } })).json()) as ClassDetails;
  return details.class;
}

test('four phones end the class: three send feedback, one skips; the summary, its exports and the printable page', async ({ browser }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const violations = watchPolicy(desk);
  await signIn(desk);
  const sequence = await firstEnglishSequence(desk);
  const opened = await openClassOf(desk, sequence.id);

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

/** Runs a class of `phones` over sockets: cue 1 tension from all but one, relief from one; feedback from all. */
async function runClassOverSockets(cookie: string, sequenceId: string, phones: number, rating: number): Promise<void> {
  const instructor = httpClient(server.url, cookie);
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId });
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const participants: TestSocket[] = [];
  for (let i = 0; i < phones; i++) participants.push(await connectParticipant(server.url, opened.code));
  const command = async (type: 'start' | 'next' | 'previous' | 'end') => {
    const ack = await emitAck(tablet, 'class:command', { type, revision: last(tablet, 'class:instructor-state')!.revision });
    expect(ack.ok).toBe(true);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')!.revision).toBe((ack as { data: { revision: number } }).data.revision));
  };
  await command('start');
  for (const [i, phone] of participants.entries()) {
    const kind = i === 0 ? 'relief' : 'tension';
    expect((await emitAck(phone, 'flag:submit', { flagId: crypto.randomUUID(), cueIndex: 0, kind })).ok).toBe(true);
  }
  await command('end');
  for (const phone of participants) expect((await emitAck(phone, 'feedback:submit', { feeling: 'better', rating })).ok).toBe(true);
  closeAllSockets();
}

test('the trend of a sequence after three of its classes, and the list of past classes', async ({ browser }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const violations = watchPolicy(desk);
  const cookie = await signIn(desk);
  const sequence = await firstEnglishSequence(desk);
  // The first test ran one class of this sequence; two more, of five and six phones.
  await runClassOverSockets(cookie, sequence.id, 5, 5);
  await runClassOverSockets(cookie, sequence.id, 6, 3);

  await desk.goto(`${server.url}/instructor/history`);
  const rows = desk.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(4); // the header and three classes, newest first
  await expect(rows.nth(1)).toContainText('6');
  // Scores appear once each class's feedback window has closed (45 s here): all answers at once.
  await expect(async () => {
    await desk.reload();
    await expect(rows.nth(1)).toContainText('3 / 5', { timeout: 1_000 });
  }).toPass({ timeout: 120_000 });
  await expect(rows.nth(3)).toContainText('4 / 5');
  await expectAccessible(desk, 'history');
  await screenshot(desk, 'tablet-history');
  await desk.setViewportSize(PHONE);
  await fullScreenshot(desk, 'phone-history');
  await desk.setViewportSize(TABLET);

  await rows.nth(1).getByRole('link', { name: sequence.title, exact: true }).click();
  await expect(desk).toHaveURL(new RegExp(`/instructor/sequences/${sequence.id}/trend$`));
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText(sequence.title);
  await expect(desk.getByText(/^3 classes, from /)).toBeVisible();
  await expect(desk.locator('svg.line-chart').first()).toBeVisible();
  // The tables are there for screen readers all along, and shown to everyone on request.
  const scoreTable = desk.getByRole('table', { name: 'Feedback score over time' });
  await expect(scoreTable.getByRole('row')).toHaveCount(4);
  await expect(scoreTable).toContainText('3');
  // One cue's lines come on demand, from its row of the tension grid.
  await desk.getByRole('button', { name: /Lines of cue 1$/ }).click();
  await expect(desk.getByRole('table', { name: 'Cue 1, class by class' })).toContainText('0.8'); // 4 tension taps of 5 participants
  await expectAccessible(desk, 'trend');
  await screenshot(desk, 'tablet-trend');
  await fullScreenshot(desk, 'tablet-trend-full');
  await desk.getByRole('button', { name: 'Show as tables' }).click();
  await expect(desk.getByRole('button', { name: 'Show as tables' })).toHaveAttribute('aria-pressed', 'true');
  await expect(scoreTable).toBeVisible();
  await expect(desk.locator('svg.line-chart')).toHaveCount(0);
  await expectAccessible(desk, 'trend as tables');
  await screenshot(desk, 'tablet-trend-tables');
  await desk.getByRole('button', { name: 'Show as tables' }).click();
  await desk.setViewportSize(PHONE);
  await expectAccessible(desk, 'trend on a phone');
  await fullScreenshot(desk, 'phone-trend');

  // The same page in Czech.
  await desk.setViewportSize(TABLET);
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(desk.getByRole('heading', { name: 'Hodnocení v čase' })).toBeVisible();
  await expectAccessible(desk, 'trend in Czech');
  await screenshot(desk, 'tablet-trend-cs');
  await desk.goto(`${server.url}/instructor/history`);
  await desk.getByRole('link', { name: /^Souhrn: / }).first().click();
  await expect(desk.getByRole('heading', { name: 'Zpětná vazba' })).toBeVisible();
  await expectAccessible(desk, 'summary in Czech');
  await screenshot(desk, 'tablet-summary-cs');
  expect(violations).toEqual([]);
});
