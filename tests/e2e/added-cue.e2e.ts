/**
 * A cue added on the spot, in Chromium: the tablet adds a typed cue as the next one and one taken from its
 * sequences at once; two phones show them like any other cue and flag them; the summary, its exports and the
 * timeline mark them as added; Keep in the sequence puts one into the sequence. Screens in English and Czech.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import type { ClassSummary } from '../../shared/schemas/summary.js';
import { addCueOnTablet, cue, endClassOnTablet, joinPhone } from './class-steps.js';
import { expect, expectAccessible, newTablet, PHONE, screenshot, test } from './fixtures.js';

const own = {
  title: 'Neck and shoulders',
  language: 'en',
  cues: [
    { text: 'Let the shoulders sink away from the ears', regions: ['shoulder-left', 'shoulder-right'] },
    { text: 'Lengthen the back of the neck', regions: ['neck'] },
    { text: 'Rest and notice', regions: [] },
  ],
};

/** Signs a tablet in with a fresh account, makes the sequence above and opens the live class of it. */
async function tabletWithClass(page: Page, url: string): Promise<{ sequence: Sequence; classId: string; code: string }> {
  expect((await page.request.post(`${url}/api/auth/signup`, { data: { email: 'lead@clinic.test', password: 'correct horse battery' } })).ok()).toBe(true);
  // Two phones in this class: with the threshold at 2 their figures show.
  expect((await page.request.post(`${url}/api/settings/summary`, { data: { summaryThreshold: 2 } })).ok()).toBe(true);
  const sequence = (await (await page.request.post(`${url}/api/sequences`, { data: own })).json()) as Sequence;
  const details = (await (await page.request.post(`${url}/api/classes`, { data: { sequenceId: sequence.id } })).json()) as ClassDetails;
  await page.goto(`${url}/instructor/classes/${details.class.classId}`);
  await expect(page.getByRole('region', { name: 'Join code' })).toContainText(details.class.code);
  return { sequence, classId: details.class.classId, code: details.class.code };
}

test('Add a cue mid-class reaches two phones, takes flags, shows as added in the summary and exports, and is kept in the sequence', async ({
  browser,
  server,
}) => {
  const { page: desk } = await newTablet(browser);
  const { sequence, classId, code } = await tabletWithClass(desk, server.url);
  const phones = [await joinPhone(browser, server.url, code), await joinPhone(browser, server.url, code)] as const;
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const phone of phones) await expect(cue(phone)).toContainText('1 of 3');

  // A typed cue with a focus region, as the next one: the phones stay where they are.
  await desk.getByRole('button', { name: 'Add a cue' }).click();
  const form = desk.getByRole('dialog', { name: 'Add a cue' });
  await expect(form.getByRole('textbox', { name: 'Cue text' })).toBeVisible();
  // Repeat the current cue fills the form with it.
  await form.getByRole('button', { name: 'Repeat the current cue' }).click();
  await expect(form.getByRole('textbox', { name: 'Cue text' })).toHaveValue(own.cues[0]!.text);
  await form.getByRole('textbox', { name: 'Cue text' }).fill('Let the jaw hang loose');
  await form.getByRole('button', { name: 'neck' }).click();
  await expect(form.getByRole('button', { name: 'neck' })).toHaveAttribute('aria-pressed', 'true');
  await expectAccessible(desk, 'tablet add a cue');
  await screenshot(desk, 'tablet-add-cue');
  await form.getByRole('button', { name: 'Show next' }).click();
  await expect(desk.getByRole('dialog')).toHaveCount(0);
  for (const phone of phones) await expect(cue(phone)).toContainText('1 of 4');
  await expect(desk.getByRole('navigation', { name: 'Cues' }).getByRole('button', { name: /Let the jaw hang loose added/ })).toBeVisible();

  // Next brings it to both phones like any other cue; their flags count to it.
  await desk.getByRole('button', { name: 'Next cue' }).click();
  for (const phone of phones) {
    await expect(cue(phone)).toContainText('2 of 4');
    await expect(cue(phone)).toContainText('Let the jaw hang loose');
  }
  await phones[0].getByRole('button', { name: 'Tension' }).click();
  await phones[0].getByRole('button', { name: 'neck' }).click();
  await phones[0].getByRole('button', { name: 'Done' }).click();
  await phones[1].getByRole('button', { name: 'Relief' }).click();
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText('1 Tension');
  await expect(live).toContainText('1 Relief');
  await expect(live).toContainText('from 2 participants');
  await expect(desk.locator('.stage')).toContainText('added');

  // A cue taken from the instructor's sequences, shown at once.
  await desk.getByRole('button', { name: 'Add a cue' }).click();
  await form.getByLabel('Or take a cue from your sequences').selectOption({ label: `3. ${own.cues[2]!.text}` });
  await expect(form.getByRole('textbox', { name: 'Cue text' })).toHaveValue(own.cues[2]!.text);
  await form.getByRole('button', { name: 'Show now' }).click();
  for (const phone of phones) await expect(cue(phone)).toContainText('3 of 5');
  await expect(cue(phones[0])).toContainText(own.cues[2]!.text);

  // The form in Czech.
  await desk.getByRole('button', { name: 'Čeština' }).click();
  await desk.getByRole('button', { name: 'Přidat pokyn' }).click();
  const czechForm = desk.getByRole('dialog', { name: 'Přidat pokyn' });
  await expect(czechForm.getByRole('button', { name: 'Ukázat jako další' })).toBeVisible();
  await czechForm.getByRole('button', { name: 'Ukázat hned' }).click();
  await expect(czechForm.getByRole('alert')).toContainText('Nejdřív napište pokyn');
  await expectAccessible(desk, 'tablet add a cue in Czech');
  await screenshot(desk, 'tablet-add-cue-cs');
  await czechForm.getByRole('button', { name: 'Zrušit' }).click();
  await desk.getByRole('button', { name: 'English' }).click();

  await endClassOnTablet(desk);
  await desk.getByRole('link', { name: 'Open summary' }).click();
  await expect(desk).toHaveURL(new RegExp(`/instructor/classes/${classId}/summary$`));

  // The summary marks both added cues; the timeline too.
  const added = desk.getByRole('article').filter({ hasText: 'Added during the class' });
  await expect(added).toHaveCount(2);
  const jaw = desk.getByRole('article', { name: /Let the jaw hang loose/ });
  await expect(jaw).toContainText('Added during the class');
  await expect(jaw).toContainText('1 Tension');
  await expect(desk.getByRole('region', { name: 'Timeline', exact: true }).getByRole('rowheader', { name: 'Let the jaw hang loose added' })).toBeVisible();
  await jaw.scrollIntoViewIfNeeded();
  await expectAccessible(desk, 'summary with an added cue');
  await screenshot(desk, 'tablet-summary-added-cue');
  await jaw.screenshot({ path: 'tests/e2e/.screens/summary-added-cue-row.png' });

  // The exports say so too.
  const [csvDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Export CSV' }).click()]);
  const csv = (await readFile((await csvDownload.path())!)).toString('utf8');
  expect(csv).toContain('cue,,2,Let the jaw hang loose,added_during_class,1\r\n');
  expect(csv).toContain('cue,,2,Let the jaw hang loose,kept_in_sequence,0\r\n');
  expect(csv).toMatch(/\r\ntimeline,2,2,Let the jaw hang loose,added_during_class,1\r\n/);
  const [jsonDownload] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Export JSON' }).click()]);
  const exported = JSON.parse(await readFile((await jsonDownload.path())!, 'utf8')) as ClassSummary;
  expect(exported.cues.map((c) => c.isAdded)).toEqual([false, true, true, false, false]);
  expect(exported.cues[1]).toMatchObject({ text: 'Let the jaw hang loose', isKept: false, figures: { tension: 1, relief: 1, participants: 2 } });

  // Keep in the sequence: the cue goes into the sequence at its place, as a new version.
  await jaw.getByRole('button', { name: 'Keep in the sequence' }).click();
  await expect(jaw.getByRole('status')).toHaveText('Kept in the sequence as its cue 2.');
  await expect(jaw.getByRole('button', { name: 'Keep in the sequence' })).toHaveCount(0);
  const kept = (await (await desk.request.get(`${server.url}/api/sequences/${sequence.id}`)).json()) as Sequence;
  expect(kept.cues.map((c) => c.text)).toEqual([own.cues[0]!.text, 'Let the jaw hang loose', own.cues[1]!.text, own.cues[2]!.text]);
  // Its regions: the repeated cue's shoulders, and the neck tapped on the form.
  expect(kept.cues[1]!.regions).toEqual(['shoulder-left', 'shoulder-right', 'neck']);
  await jaw.screenshot({ path: 'tests/e2e/.screens/summary-added-cue-kept.png' });

  // The summary in Czech.
  await desk.getByRole('button', { name: 'Čeština' }).click();
  const czechJaw = desk.getByRole('article', { name: /Let the jaw hang loose/ });
  await expect(czechJaw).toContainText('Přidáno během lekce');
  await expect(czechJaw).toContainText('Ponecháno v sekvenci');
  await expect(desk.getByRole('article').filter({ hasText: 'Přidáno během lekce' }).getByRole('button', { name: 'Ponechat v sekvenci' })).toHaveCount(1);
  await czechJaw.scrollIntoViewIfNeeded();
  await expectAccessible(desk, 'summary with an added cue in Czech');
  await screenshot(desk, 'tablet-summary-added-cue-cs');

  // The summary read on a phone: the added cue's tag and Keep fit the narrow column.
  await desk.setViewportSize(PHONE);
  const rest = desk.getByRole('article').filter({ hasText: 'Přidáno během lekce' }).last();
  await rest.scrollIntoViewIfNeeded();
  await expectAccessible(desk, 'summary with an added cue on a phone');
  await screenshot(desk, 'phone-summary-added-cue-cs');
});

test('a class of a clinic library sequence says on its summary why an added cue cannot be kept, instead of offering Keep', async ({
  browser,
  server,
}) => {
  const { page: desk } = await newTablet(browser);
  expect((await desk.request.post(`${server.url}/api/auth/signup`, { data: { email: 'lead@clinic.test', password: 'correct horse battery' } })).ok()).toBe(true);
  const [library] = (await (await desk.request.get(`${server.url}/api/library`)).json()) as { id: string }[];
  const details = (await (await desk.request.post(`${server.url}/api/classes`, { data: { sequenceId: library!.id } })).json()) as ClassDetails;
  await desk.goto(`${server.url}/instructor/classes/${details.class.classId}`);
  await desk.getByRole('button', { name: 'Start class' }).click();
  await addCueOnTablet(desk, 'Let the jaw hang loose', 'Show now');
  await endClassOnTablet(desk);
  await desk.getByRole('link', { name: 'Open summary' }).click();

  const jaw = desk.getByRole('article', { name: /Let the jaw hang loose/ });
  await expect(jaw).toContainText('Added during the class');
  await expect(jaw).toContainText('This class ran a sequence from the clinic library, which only changes through the library.');
  await expect(desk.getByRole('button', { name: 'Keep in the sequence' })).toHaveCount(0);
  await jaw.scrollIntoViewIfNeeded();
  await expectAccessible(desk, 'summary of a library class with an added cue');
  await screenshot(desk, 'tablet-summary-library-added-cue');

  await desk.getByRole('button', { name: 'Čeština' }).click();
  await expect(jaw).toContainText('Tato lekce běžela podle sekvence z knihovny kliniky');
  await expect(desk.getByRole('button', { name: 'Ponechat v sekvenci' })).toHaveCount(0);
  await jaw.scrollIntoViewIfNeeded();
  await expectAccessible(desk, 'summary of a library class with an added cue in Czech');
  await screenshot(desk, 'tablet-summary-library-added-cue-cs');
  await desk.setViewportSize(PHONE);
  await jaw.scrollIntoViewIfNeeded();
  await screenshot(desk, 'phone-summary-library-added-cue-cs');
});
