/**
 * Insights in real Chromium: after five classes of a sequence in which one cue drew tension in the neck from
 * four of five participants (driven fast over real sockets), the trend page's region Insights names that cue
 * and the neck, in English and Czech, and the editor says it beside the cue; a sequence whose classes had fewer
 * participants than K names nothing and says why. Axe on each page; screenshots at tablet and phone size.
 */
import type { RegionId } from '../../shared/regions.js';
import type { Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, httpClient, last, type TestSocket } from '../helpers/clients.js';
import { expect, expectAccessible, newTablet, PHONE, screenshot, TABLET, test } from './fixtures.js';

const credentials = { email: 'lead@clinic.test', password: 'correct horse battery' };

/** Signs the tablet's browser up (a fresh server each test) and returns its session cookie. */
async function signIn(page: Page, url: string): Promise<string> {
  expect((await page.request.post(`${url}/api/auth/signup`, { data: credentials })).ok()).toBe(true);
  const session = (await page.context().cookies()).find((c) => c.name === 'attune_session');
  return `attune_session=${session!.value}`;
}

/**
 * One class of the sequence over sockets with `phones` participants through its first four cues: on cue 1 one
 * feels tension and one relief; on cue 2 all but one feel tension in the neck; then the class ends.
 */
async function runClass(url: string, cookie: string, sequenceId: string, phones: number): Promise<void> {
  const instructor = httpClient(url, cookie);
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId });
  const tablet = await connectInstructor(url, instructor, opened.classId);
  await expect.poll(() => last(tablet, 'class:instructor-state')).toBeDefined();
  const participants: TestSocket[] = await Promise.all(Array.from({ length: phones }, () => connectParticipant(url, opened.code)));
  const command = async (type: 'start' | 'next' | 'end') => {
    const ack = await emitAck(tablet, 'class:command', { type, revision: last(tablet, 'class:instructor-state')!.revision });
    expect(ack.ok).toBe(true);
    const revision = (ack as { data: { revision: number } }).data.revision;
    await expect.poll(() => last(tablet, 'class:instructor-state')!.revision).toBe(revision);
  };
  const flag = async (phone: TestSocket, cueIndex: number, kind: 'tension' | 'relief', region?: RegionId) =>
    expect((await emitAck(phone, 'flag:submit', { flagId: crypto.randomUUID(), cueIndex, kind, ...(region ? { region } : {}) })).ok).toBe(true);

  await command('start');
  await flag(participants[0]!, 0, 'tension');
  if (phones > 1) await flag(participants[1]!, 0, 'relief');
  await command('next');
  for (const phone of participants.slice(0, Math.max(1, phones - 1))) await flag(phone, 1, 'tension', 'neck');
  await command('next');
  await command('next');
  await command('end');
  closeAllSockets();
}

/** The starter library's English sequences with at least four cues. */
async function englishSequences(page: Page, url: string): Promise<Sequence[]> {
  const sequences = (await (await page.request.get(`${url}/api/library`)).json()) as Sequence[];
  return sequences.filter((s) => s.language === 'en' && s.cues.length >= 4);
}

test('five classes where one cue drew tension in the neck: Insights name the cue and the region; below K nothing', async ({ browser, server }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const cookie = await signIn(desk, server.url);
  const [named, small] = await englishSequences(desk, server.url);
  for (let i = 0; i < 5; i++) await runClass(server.url, cookie, named!.id, 5);
  for (let i = 0; i < 5; i++) await runClass(server.url, cookie, small!.id, 2);
  const cueText = named!.cues[1]!.text;

  await desk.goto(`${server.url}/instructor/sequences/${named!.id}/trend`);
  const insights = desk.getByRole('region', { name: 'Insights' });
  await expect(insights).toBeVisible();
  await expect(insights.getByRole('listitem').filter({ hasText: cueText })).toContainText('Raised tension in the neck in 5 of the last 5 classes');
  await expect(insights).toContainText('In those classes 20 of 25 participants flagged tension on it (80%)');
  await expect(insights).toContainText('Where: neck, 20 of its 20 flags.');
  await expect(insights).toContainText('How this is worked out');
  await expect(insights).toContainText('at least 3 participants flagged that cue');
  await expectAccessible(desk, 'trend with insights');
  await insights.scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-insights');
  await desk.setViewportSize(PHONE);
  await insights.scrollIntoViewIfNeeded();
  await screenshot(desk, 'phone-insights');

  // Czech: its own name for the region, the region's Czech name.
  await desk.setViewportSize(TABLET);
  await desk.getByRole('button', { name: 'Čeština' }).click();
  const postrehy = desk.getByRole('region', { name: 'Postřehy' });
  await expect(postrehy).toContainText('Zvýšené napětí (krk) – 5 z posledních 5 lekcí');
  await expectAccessible(desk, 'insights in Czech');
  await postrehy.scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-insights-cs');
  await desk.setViewportSize(PHONE);
  await postrehy.scrollIntoViewIfNeeded();
  await screenshot(desk, 'phone-insights-cs');
  await desk.setViewportSize(TABLET);

  // Beside the cue in the editor, in the language chosen.
  await desk.goto(`${server.url}/instructor/sequences/${named!.id}`);
  const secondCue = desk.getByRole('group', { name: 'Pokyn 2', exact: true });
  await expect(secondCue).toContainText('Zvýšené napětí (krk) – 5 z posledních 5 lekcí');
  await desk.getByRole('button', { name: 'English' }).click();
  await expect(desk.getByRole('group', { name: 'Cue 2', exact: true })).toContainText('Raised tension in the neck in 5 of the last 5 classes');
  await expect(desk.getByRole('group', { name: 'Cue 1', exact: true })).not.toContainText('Raised tension');
  // Axe over the cue with its line (the whole editor, a body figure per cue, is sequences.e2e.ts's).
  await expectAccessible(desk, 'editor cue with its insight', { within: 'ol.cues > li:nth-child(2)' });
  await desk.getByRole('group', { name: 'Cue 2', exact: true }).scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-editor-insight');

  // Two participants a class, fewer than K = 3: nothing is named, and the page says why.
  await desk.goto(`${server.url}/instructor/sequences/${small!.id}/trend`);
  const none = desk.getByRole('region', { name: 'Insights' });
  await expect(none).toContainText('Nothing can be named yet.');
  await expect(none).toContainText('at least 3 participants flagged that cue. So far the most any cue has is 0 of the last 5 classes.');
  await expect(none).not.toContainText('Raised tension');
  await expect(none.getByRole('listitem').filter({ hasText: small!.cues[1]!.text })).toHaveCount(0);
  await expectAccessible(desk, 'insights below K');
  await none.scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-insights-below-k');
});

test('a sequence changed between classes: its trend reads each class against its own cues; the lead’s overview names the cue', async ({ browser, server }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const cookie = await signIn(desk, server.url);
  const [library] = await englishSequences(desk, server.url);
  const instructor = httpClient(server.url, cookie);
  const copy = await instructor.json<Sequence>('POST', `/api/library/${library!.id}/copy`);
  for (let i = 0; i < 3; i++) await runClass(server.url, cookie, copy.id, 5);
  // Version 2: the cue that drew tension moves to the end, and the first cue is reworded.
  const [first, moved, ...rest] = copy.cues;
  const reworded = `${first!.text} Slowly.`;
  await instructor.json('PUT', `/api/sequences/${copy.id}`, { title: copy.title, language: copy.language, cues: [{ ...first!, text: reworded }, ...rest, moved] });
  await runClass(server.url, cookie, copy.id, 5);

  await desk.goto(`${server.url}/instructor/sequences/${copy.id}/trend`);
  const grid = desk.getByRole('region', { name: 'Tension per participant, cue by class' });
  await expect(desk.getByText('The sequence changed over these classes.')).toBeVisible();
  await expect(grid.getByRole('columnheader', { name: /version 1/ })).toHaveCount(3);
  await expect(grid.getByRole('columnheader', { name: /version 2/ })).toHaveCount(1);
  // The moved cue, now last, carries the old classes' tension (four of five: 0.8), not the cue now second.
  const movedRow = grid.getByRole('row').filter({ hasText: moved!.text });
  await expect(movedRow.getByRole('cell')).toHaveText(['0.8', '0.8', '0.8', /not reached/]);
  await expect(grid.getByText('Cues only earlier versions had')).toBeVisible();
  await expect(grid.getByRole('row').filter({ hasText: reworded }).getByRole('cell').first()).toHaveText('not in the cues this class ran');
  await expectAccessible(desk, 'trend of a changed sequence');
  await grid.scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-trend-versions-en');
  await desk.setViewportSize(PHONE);
  await expectAccessible(desk, 'trend of a changed sequence on a phone');
  await grid.scrollIntoViewIfNeeded();
  await screenshot(desk, 'phone-trend-versions-en');
  await desk.setViewportSize(TABLET);
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(desk.getByText('Sekvence se mezi těmito lekcemi měnila.')).toBeVisible();
  await expectAccessible(desk, 'trend of a changed sequence cs');
  await desk.getByRole('region', { name: 'Napětí na účastníka, pokyn po lekci' }).scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-trend-versions-cs');
  await desk.setViewportSize(PHONE);
  await screenshot(desk, 'phone-trend-versions-cs');
  await desk.setViewportSize(TABLET);
  await desk.getByRole('button', { name: 'English' }).click();

  // The first account is the clinic lead: its overview names the cue on the sequence's line, as the trend does.
  await desk.goto(`${server.url}/instructor/clinic`);
  const line = desk.getByRole('region', { name: 'Per sequence, across instructors' }).getByRole('row').filter({ hasText: library!.title });
  await expect(line).toContainText(moved!.text);
  await expect(line).toContainText('Raised tension in the neck in 3 of the last 3 classes');
  await expectAccessible(desk, 'clinic overview with insights');
  await line.scrollIntoViewIfNeeded();
  await screenshot(desk, 'tablet-clinic-insights-en');
  await desk.setViewportSize(PHONE);
  await line.scrollIntoViewIfNeeded();
  await screenshot(desk, 'phone-clinic-insights-en');
});
