/**
 * A sequence's trend in real Chromium, after three classes of it run over sockets, and the list of past classes.
 * Its own server with a short feedback window (the classes' answers are published when it closes), so the story
 * waits seconds, not the 45 s the after-class story needs for phones filling the form in a browser.
 */
import { closeAllSockets } from '../helpers/clients.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { firstEnglishSequence, fullScreenshot, runClassOverSockets, signIn, watchPolicy } from './after-class-steps.js';
import { expect, expectAccessible, newTablet, PHONE, screenshot, startServer, TABLET, test } from './fixtures.js';

let server: SpawnedServer;
test.beforeAll(async () => {
  server = await startServer({ env: { FEEDBACK_WINDOW_MINUTES: '0.15' } });
});
test.afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

test('the trend of a sequence after three of its classes, and the list of past classes', async ({ browser }) => {
  test.setTimeout(300_000);
  const { page: desk } = await newTablet(browser);
  const violations = watchPolicy(desk);
  const cookie = await signIn(desk, server.url);
  const sequence = await firstEnglishSequence(desk, server.url);
  // Three classes of this sequence, of four, five and six phones.
  await runClassOverSockets(server.url, cookie, sequence.id, 4, 4);
  await runClassOverSockets(server.url, cookie, sequence.id, 5, 5);
  await runClassOverSockets(server.url, cookie, sequence.id, 6, 3);

  await desk.goto(`${server.url}/instructor/history`);
  const rows = desk.getByRole('table').getByRole('row');
  await expect(rows).toHaveCount(4); // the header and three classes, newest first
  await expect(rows.nth(1)).toContainText('6');
  // Scores appear once each class's feedback window has closed (9 s here): all answers at once.
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
