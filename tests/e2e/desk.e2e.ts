/**
 * The instructor's desk in real Chromium (issue 13): the dashboard (own sequences first, the starter library
 * apart, one primary action and a keyboard menu per card, the open class on top with the way back), a clashing
 * import gets a distinct title, errors in Czech, a cue not reached said as such in the summary and the trend,
 * each timeline visit with its own figures, and the CSV's delimiter by language. axe on each page in English
 * and Czech; screenshots at tablet and phone size in both languages under tests/e2e/.screens/desk-*.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, httpClient, last, sendCommand } from '../helpers/clients.js';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { expect, expectAccessible, newTablet, PHONE, screenshot, TABLET, test, startServer } from './fixtures.js';

let server: SpawnedServer;
// Long stories on a shared 2-core machine: more time than the default minute.
test.describe.configure({ mode: 'serial', timeout: 480_000 });
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  closeAllSockets();
  await server?.stop();
  if (server) removeDataDir(server);
});

const credentials = { email: 'desk@clinic.test', password: 'correct horse battery' };
const file = (title: string, cues: unknown[] = [{ text: 'Notice your jaw.', regions: ['jaw'] }]) =>
  Buffer.from(JSON.stringify({ format: 'attune.sequence/v1', title, language: 'en', cues }));

/** Signs the page's browser in (creating the account on the first call); returns the session cookie. */
async function signIn(page: Page): Promise<string> {
  const signup = await page.request.post(`${server.url}/api/auth/signup`, { data: credentials });
  if (!signup.ok()) expect((await page.request.post(`${server.url}/api/auth/signin`, { data: credentials })).ok()).toBe(true);
  const session = (await page.context().cookies()).find((c) => c.name === 'attune_session');
  return `attune_session=${session!.value}`;
}

/** Both sizes of the page as it is now, in the language it shows. */
async function bothSizes(page: Page, name: string, language: 'en' | 'cs'): Promise<void> {
  await expectAccessible(page, `${name} ${language} tablet`);
  await screenshot(page, `desk-tablet-${name}-${language}`);
  await page.setViewportSize(PHONE);
  await expectAccessible(page, `${name} ${language} phone`);
  await page.screenshot({ path: `tests/e2e/.screens/desk-phone-${name}-${language}.png`, fullPage: true });
  await page.setViewportSize(TABLET);
}

test('the dashboard: own sequences first, the starter library apart, a menu per card, distinct import titles, the open class on top', async ({ browser }) => {
  const { page: desk } = await newTablet(browser);
  await signIn(desk);
  await desk.goto(`${server.url}/instructor`);
  const own = desk.getByRole('region', { name: 'Your sequences' });
  const starter = desk.getByRole('region', { name: 'The clinic’s library' });
  await expect(own).toContainText('No sequences of your own yet');
  await expect(starter.getByRole('button', { name: 'Open class' }).first()).toBeVisible();
  expect(await starter.getByRole('button', { name: 'Open class' }).count()).toBeGreaterThanOrEqual(6);

  // Import the same file twice: the second gets a distinct title, said beside Import.
  await desk.getByLabel('Import').setInputFiles({ name: 'neck.json', mimeType: 'application/json', buffer: file('Morning neck') });
  await expect(desk.getByRole('status').filter({ hasText: 'Imported “Morning neck”.' })).toBeVisible();
  await desk.getByLabel('Import').setInputFiles({ name: 'neck.json', mimeType: 'application/json', buffer: file('Morning neck') });
  await expect(desk.getByRole('status').filter({ hasText: 'Imported as “Morning neck (2)”: you already have a sequence called “Morning neck”.' })).toBeVisible();
  await expect(own.getByRole('heading', { level: 3 })).toHaveText(['Morning neck', 'Morning neck (2)']);
  // Own sequences come before the starter library on the page.
  const ownTop = (await own.boundingBox())!.y;
  expect(ownTop).toBeLessThan((await starter.boundingBox())!.y);

  // One primary action per card; the rest in a menu a keyboard opens, walks and closes.
  const card = own.getByRole('listitem').filter({ has: desk.getByRole('heading', { name: 'Morning neck', exact: true }) });
  await expect(card.getByRole('button')).toHaveText(['Open class', 'More actions▾']);
  const menuButton = card.getByRole('button', { name: 'More actions' });
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await menuButton.focus();
  await desk.keyboard.press('Enter');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  await expect(card.getByRole('link', { name: 'Edit' })).toBeFocused();
  await expect(card.getByRole('listitem')).toHaveText(['Edit', 'Duplicate', 'Share to the clinic’s library', 'Export', 'Trend of this sequence', 'Delete']);
  await expectAccessible(desk, 'dashboard with a menu open');
  await screenshot(desk, 'desk-tablet-menu-en');
  await desk.keyboard.press('Tab');
  await expect(card.getByRole('button', { name: 'Duplicate' })).toBeFocused();
  await desk.keyboard.press('Escape');
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await expect(menuButton).toBeFocused();
  await expect(card.getByRole('button', { name: 'Duplicate' })).toBeHidden();

  // Duplicate: said in the card it was done from.
  await menuButton.click();
  await card.getByRole('button', { name: 'Duplicate' }).click();
  await expect(card.getByRole('status')).toHaveText('Duplicated as “Morning neck (copy)”.');

  // A library sequence is used as a copy: its menu offers one, which keeps its title and opens in the editor.
  const starterCard = starter.getByRole('listitem').first();
  const starterTitle = (await starterCard.getByRole('heading').textContent())!.trim();
  await starterCard.getByRole('button', { name: 'More actions' }).click();
  await starterCard.getByRole('button', { name: 'Use a copy' }).click();
  await expect(desk).toHaveURL(/\/instructor\/sequences\/[^/]+$/);
  await expect(desk.getByLabel('Title')).toHaveValue(starterTitle);

  // An open class sits at the top with the way back into it.
  await desk.goto(`${server.url}/instructor`);
  await expect(desk.getByText('Running now')).toHaveCount(0);
  await card.getByRole('button', { name: 'Open class' }).click();
  await expect(desk).toHaveURL(/\/instructor\/classes\/[^/]+$/);
  const classUrl = desk.url();
  await desk.goto(`${server.url}/instructor`);
  const running = desk.getByRole('complementary', { name: 'Running now' });
  await expect(running).toContainText('Morning neck');
  await expect(running).toContainText('Lobby');
  const runningTop = (await running.boundingBox())!.y;
  expect(runningTop).toBeLessThan((await desk.getByRole('heading', { name: 'Sequences', level: 1 }).boundingBox())!.y);
  await bothSizes(desk, 'dashboard', 'en');
  await running.getByRole('link', { name: 'Back to the class' }).click();
  await expect(desk).toHaveURL(classUrl);

  // The same dashboard in Czech.
  await desk.goto(`${server.url}/instructor`);
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(desk.getByRole('region', { name: 'Vaše sekvence' })).toBeVisible();
  await expect(desk.getByRole('complementary', { name: 'Právě probíhá' }).getByRole('link', { name: 'Zpět do lekce' })).toBeVisible();
  await bothSizes(desk, 'dashboard', 'cs');
});

test('errors read in Czech: a wrong password, a bad import file, a lost connection', async ({ browser }) => {
  const { page } = await newTablet(browser, 'cs-CZ');
  await page.goto(`${server.url}/instructor`);
  await page.getByLabel('E-mail').fill(credentials.email);
  await page.getByLabel('Heslo').fill('this is not it');
  await page.getByRole('button', { name: 'Přihlásit se' }).click();
  await expect(page.getByRole('alert')).toHaveText('E-mail nebo heslo nesouhlasí.');
  await bothSizes(page, 'signin-error', 'cs');

  await page.getByLabel('Heslo').fill(credentials.password);
  await page.getByRole('button', { name: 'Přihlásit se' }).click();
  await expect(page.getByRole('heading', { name: 'Sekvence', level: 1 })).toBeVisible();
  const bad = { format: 'attune.sequence/v1', title: 'Rozbitá', language: 'cs', cues: [{ text: 'v pořádku' }, { text: '' }], colour: 'red' };
  await page.getByLabel('Importovat').setInputFiles({ name: 'rozbita.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Soubor nebyl importován: soubor není platná sekvence Attune.');
  await expect(alert).toContainText('cues[1].text: musí mít 1–280 znaků');
  await expect(alert).toContainText('(payload): neznámé pole "colour"');
  await expect(alert).not.toContainText('must');
  await bothSizes(page, 'import-error', 'cs');
  await page.getByLabel('Importovat').setInputFiles({ name: 'poznamky.json', mimeType: 'application/json', buffer: Buffer.from('title: Krk') });
  await expect(alert).toContainText('soubor není ve formátu JSON');

  // The server gone: a connection error, in Czech, instead of the browser's "Failed to fetch".
  await page.route('**/api/classes', (route) => route.abort('internetdisconnected'));
  await page.getByRole('button', { name: 'Otevřít lekci' }).first().click();
  await expect(page.getByRole('alert')).toHaveText('Server není dostupný. Zkontrolujte připojení k Wi-Fi a zkuste to znovu.');
});

test('the summary and the trend say what happened: a cue not reached, each visit its own figures, CSV by language', async ({ browser }) => {
  const { page: desk } = await newTablet(browser);
  const cookie = await signIn(desk);
  const instructor = httpClient(server.url, cookie);
  // A sequence of three cues; the class will show the first two only.
  const sequence = await instructor.json<Sequence>('POST', '/api/sequences', {
    title: 'Three visits',
    language: 'en',
    cues: [{ text: 'Notice your jaw.' }, { text: 'Let the shoulders sink.' }, { text: 'Rest, and notice what changed.' }],
  });

  // Cue 1 (three tension), cue 2 (nothing), back to cue 1 (three relief), end: cue 3 never reached.
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const phones = await Promise.all([0, 1, 2].map(() => connectParticipant(server.url, opened.code)));
  await sendCommand(tablet, 'start');
  for (const phone of phones) expect((await emitAck(phone, 'flag:submit', { flagId: crypto.randomUUID(), cueIndex: 0, kind: 'tension' })).ok).toBe(true);
  await sendCommand(tablet, 'next');
  await new Promise((resolve) => setTimeout(resolve, 1100)); // the visits' flags a second apart: stored times are per second
  await sendCommand(tablet, 'previous');
  for (const phone of phones) expect((await emitAck(phone, 'flag:submit', { flagId: crypto.randomUUID(), cueIndex: 0, kind: 'relief' })).ok).toBe(true);
  await sendCommand(tablet, 'end');
  closeAllSockets();

  await desk.goto(`${server.url}/instructor/classes/${opened.classId}/summary`);
  const cues = desk.locator('.cue-cards');
  await expect(cues.getByRole('article').nth(0)).toContainText('3 Tension');
  await expect(cues.getByRole('article').nth(0)).toContainText('3 Relief');
  await expect(cues.getByRole('article').nth(1)).toContainText('Nobody flagged this cue.');
  await expect(cues.getByRole('article').nth(2)).toContainText('Not reached: the class did not come to this cue.');
  await expect(cues.getByRole('article').nth(2)).not.toContainText('Nobody flagged');
  // The timeline: cue 1 twice, each visit with its own flags, not the totals repeated.
  const timeline = desk.getByRole('region', { name: 'Timeline', exact: true });
  const rows = timeline.getByRole('row');
  await expect(rows).toHaveCount(4);
  const cells = async (i: number) => (await rows.nth(i).getByRole('cell').allTextContents()).slice(-2);
  expect(await cells(1)).toEqual(['3', '0']);
  expect(await cells(2)).toEqual(['0', '0']);
  expect(await cells(3)).toEqual(['0', '3']);
  await bothSizes(desk, 'summary', 'en');

  // CSV: commas in English, semicolons in Czech, from the page's own Export CSV.
  const download = async () => {
    const [file] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: /Export CSV|Exportovat CSV/ }).click()]);
    return (await readFile((await file.path())!)).toString('utf8');
  };
  const english = await download();
  expect(english).toContain('section,item,cue,cue_text,measure,value\r\n');
  expect(english).toContain('cue,,3,"Rest, and notice what changed.",reached,0\r\n');
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(cues.getByRole('article').nth(2)).toContainText('Nedošlo na něj');
  const czech = await download();
  expect(czech).toContain('section;item;cue;cue_text;measure;value\r\n');
  expect(czech).toContain('cue;;3;Rest, and notice what changed.;reached;0\r\n');
  expect(czech).toMatch(/\r\nfeedback;;;;pending_until;\d{4}-\d{2}-\d{2}T/);
  const explicit = await desk.request.get(`${server.url}/api/classes/${opened.classId}/summary.csv?delimiter=semicolon`);
  expect(await explicit.text()).toContain('section;item;');
  expect((await desk.request.get(`${server.url}/api/classes/${opened.classId}/summary.csv?delimiter=tab`)).status()).toBe(400);
  await bothSizes(desk, 'summary', 'cs');

  // The trend: the grid shows cue 3 of this class as not reached, a gap rather than a 0.
  await desk.getByRole('button', { name: 'English' }).click();
  await desk.goto(`${server.url}/instructor/sequences/${sequence.id}/trend`);
  const grid = desk.getByRole('table', { name: 'Tension per participant, cue by class' });
  await expect(grid.getByRole('row')).toHaveCount(4);
  const lastCell = (row: number) => grid.getByRole('row').nth(row).getByRole('cell').last();
  await expect(lastCell(1)).toHaveText('1'); // three tension taps of three participants
  await expect(lastCell(2)).toHaveText('0');
  await expect(lastCell(3)).toHaveText('–not reached');
  await grid.getByRole('button', { name: /Lines of cue 3$/ }).click();
  await expect(grid.getByRole('button', { name: /Lines of cue 3$/ })).toHaveAttribute('aria-expanded', 'true');
  await expect(desk.getByRole('table', { name: 'Cue 3, class by class' }).getByRole('row').last()).toContainText('not reached');
  await bothSizes(desk, 'trend', 'en');
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(desk.getByRole('table', { name: 'Napětí na účastníka, pokyn po lekci' })).toBeVisible();
  await bothSizes(desk, 'trend', 'cs');
});
