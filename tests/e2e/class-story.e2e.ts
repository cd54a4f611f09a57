/**
 * The whole story of a class in real Chromium: the instructor's tablet and two phones, driven only through
 * the roles and English accessible names of PRODUCT.md's interface contract.
 */
import { endClassOnTablet } from './class-steps.js';
import { expect, expectAccessible, newPhone, newTablet, screenshot, test } from './fixtures.js';

test('an instructor runs a class for two phones, from first account to end', async ({ browser, server }) => {
  const tablet = await newTablet(browser);
  const { page: desk } = tablet;

  // First run: the instructor creates the account.
  await desk.goto(`${server.url}/instructor`);
  await expect(desk.getByRole('button', { name: 'Create account' })).toBeVisible();
  await expectAccessible(desk, 'first-run account');
  await screenshot(desk, 'tablet-create-account');
  await desk.getByLabel('E-mail').fill('lead@clinic.test');
  await desk.getByLabel('Password').fill('correct horse battery');
  await desk.getByRole('button', { name: 'Create account' }).click();

  // Sequences with Open class; the English starter sequences come first for an English tablet.
  const openButtons = desk.getByRole('button', { name: 'Open class' });
  await expect(openButtons.first()).toBeVisible();
  expect(await openButtons.count()).toBeGreaterThanOrEqual(2);
  await expectAccessible(desk, 'dashboard');
  await screenshot(desk, 'tablet-dashboard');
  await openButtons.first().click();

  // The live class: join code, QR code, lobby count.
  await expect(desk).toHaveURL(/\/instructor\/classes\/[^/]+$/);
  const joinCode = desk.getByRole('region', { name: 'Join code' });
  await expect(joinCode).toContainText(/[A-HJKMNP-Z2-9]{6}/);
  const code = /[A-HJKMNP-Z2-9]{6}/.exec((await joinCode.textContent()) ?? '')![0];
  await expect(joinCode.locator('svg')).toBeVisible();
  await expectAccessible(desk, 'live class lobby');
  await screenshot(desk, 'tablet-lobby');

  // Phone 1 types the code on the landing page; phone 2 opens the QR address.
  const phone1 = (await newPhone(browser)).page;
  await phone1.goto(server.url);
  await expectAccessible(phone1, 'landing');
  await screenshot(phone1, 'phone-landing');
  await phone1.getByLabel('Class code').fill(code.toLowerCase());
  await phone1.getByRole('button', { name: 'Join' }).click();
  await expect(phone1).toHaveURL(new RegExp(`/join/${code}$`));
  await expectAccessible(phone1, 'join');
  await screenshot(phone1, 'phone-join');
  await phone1.getByRole('button', { name: 'Join' }).click();
  await expect(phone1.getByText('Waiting for the class to start')).toBeVisible();
  await expectAccessible(phone1, 'participant lobby');
  await screenshot(phone1, 'phone-lobby');

  const phone2 = (await newPhone(browser)).page;
  await phone2.goto(`${server.url}/join/${code}`);
  await phone2.getByRole('button', { name: 'Join' }).click();
  await expect(phone2.getByText('Waiting for the class to start')).toBeVisible();
  await expect(desk.getByText('Joined').locator('..')).toContainText('2');

  // Start, next, previous: every phone follows.
  await desk.getByRole('button', { name: 'Start class' }).click();
  for (const phone of [phone1, phone2]) await expect(phone.getByRole('region', { name: 'Current cue' })).toContainText(/1 of \d+/);
  await desk.getByRole('button', { name: 'Next cue' }).click();
  for (const phone of [phone1, phone2]) await expect(phone.getByRole('region', { name: 'Current cue' })).toContainText(/2 of \d+/);
  await desk.getByRole('button', { name: 'Previous cue' }).click();
  for (const phone of [phone1, phone2]) await expect(phone.getByRole('region', { name: 'Current cue' })).toContainText(/1 of \d+/);
  await desk.getByRole('button', { name: 'Next cue' }).click();
  await expect(desk.locator('.position')).toContainText(/2 of \d+/);
  const cueText = (await desk.locator('.cue-text').textContent())!.trim();
  await expect(phone1.getByRole('region', { name: 'Current cue' })).toContainText(cueText);

  // Flags: phone 1 Tension then Relief, phone 2 Relief → 1 tension, 2 relief, from 2 participants.
  await phone1.getByRole('button', { name: 'Tension' }).click();
  await expect(phone1.getByRole('region', { name: 'Tension noted' })).toBeVisible();
  await phone1.getByRole('button', { name: 'Done' }).click();
  await phone1.getByRole('button', { name: 'Relief' }).click();
  await phone1.getByRole('button', { name: 'Done' }).click();
  await phone2.getByRole('button', { name: 'Relief' }).click();
  await phone2.getByRole('button', { name: 'Done' }).click();
  const live = desk.getByRole('region', { name: 'Live responses' });
  await expect(live).toContainText('1 Tension');
  await expect(live).toContainText('2 Relief');
  await expect(live).toContainText('from 2 participants');
  await expectAccessible(phone1, 'participant in class');
  await screenshot(phone1, 'phone-cue');
  await expectAccessible(desk, 'live class running');
  await screenshot(desk, 'tablet-running');

  // A reload resumes the same anonymous participant on the current cue.
  await phone2.reload();
  await expect(phone2.getByRole('region', { name: 'Current cue' })).toContainText(/2 of \d+/);
  await phone2.getByRole('button', { name: 'Tension' }).click();
  await expect(live).toContainText('2 Tension');
  await expect(live).toContainText('from 2 participants');
  await expect(desk.getByText('Joined').locator('..')).toContainText('2');

  // End: phones say so.
  await endClassOnTablet(desk);
  for (const phone of [phone1, phone2]) await expect(phone.getByText('The class has ended')).toBeVisible();
  await screenshot(phone1, 'phone-ended');
});

test('Czech phones and tablets read Czech', async ({ browser, server }) => {
  const phone = (await newPhone(browser, 'cs-CZ')).page;
  await phone.goto(server.url);
  await expect(phone.getByRole('heading', { name: 'Připojit se k lekci' })).toBeVisible();
  await expectAccessible(phone, 'landing cs');
  await screenshot(phone, 'phone-landing-cs');
  await phone.getByRole('button', { name: 'English' }).click();
  await expect(phone.getByRole('heading', { name: 'Join a class' })).toBeVisible();
  await expect(phone.locator('html')).toHaveAttribute('lang', 'en');
});
