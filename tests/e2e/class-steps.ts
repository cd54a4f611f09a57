/** Steps many e2e tests share: a signed-in tablet with an open class, a phone that has joined it. */
import type { Browser, Page } from '@playwright/test';
import { expect, newPhone, newTablet } from './fixtures.js';

/**
 * Signs in on a tablet (creating the account on a fresh server), opens a class from the starter sequence at
 * `sequence` (its place in the list, or its title), and returns the tablet and the class's join code.
 */
export async function openClassOnTablet(browser: Browser, url: string, sequence: number | string = 0): Promise<{ desk: Page; code: string }> {
  const { page: desk } = await newTablet(browser);
  return { desk, code: await openClassOn(desk, url, sequence) };
}

/** The same steps on a tablet page the caller made; returns the class's join code. */
export async function openClassOn(desk: Page, url: string, sequence: number | string = 0): Promise<string> {
  await desk.goto(`${url}/instructor`);
  const create = desk.getByRole('button', { name: 'Create account' });
  const signIn = desk.getByRole('button', { name: 'Sign in' });
  await expect(create.or(signIn)).toBeVisible();
  await desk.getByLabel('E-mail').fill('lead@clinic.test');
  await desk.getByLabel('Password').fill('correct horse battery');
  await ((await create.isVisible()) ? create : signIn).click();
  const openClass = desk.getByRole('button', { name: 'Open class' });
  const card = (title: string) => desk.getByRole('listitem').filter({ has: desk.getByRole('heading', { name: title, exact: true }) });
  await (typeof sequence === 'number' ? openClass.nth(sequence) : card(sequence).getByRole('button', { name: 'Open class' })).click();
  const joinCode = desk.getByRole('region', { name: 'Join code' });
  await expect(joinCode).toContainText(/[A-HJKMNP-Z2-9]{6}/);
  return /[A-HJKMNP-Z2-9]{6}/.exec((await joinCode.textContent()) ?? '')![0];
}

/** A phone that opened the class's join address, pressed Join and waits in the lobby. */
export async function joinPhone(browser: Browser, url: string, code: string): Promise<Page> {
  const { page } = await newPhone(browser);
  await joinOn(page, `${url}/join/${code}`);
  return page;
}

/** The same steps on a phone page the caller made, from the class's join address. */
export async function joinOn(page: Page, joinUrl: string): Promise<void> {
  await page.goto(joinUrl);
  await page.getByRole('button', { name: 'Join' }).click();
  await expect(page.getByText('Waiting for the class to start')).toBeVisible();
}

/** The phone's current cue, by its contract name. */
export const cue = (page: Page) => page.getByRole('region', { name: 'Current cue' });

/** Ends the class on the tablet: End class, then the in-page dialog's own End class button. */
export async function endClassOnTablet(desk: Page): Promise<void> {
  await desk.getByRole('button', { name: 'End class' }).click();
  await desk.getByRole('dialog').getByRole('button', { name: 'End class' }).click();
  await expect(desk.getByRole('dialog')).toHaveCount(0);
}

/** Adds a typed cue on the tablet, shown now or next, and waits for the form to close. */
export async function addCueOnTablet(desk: Page, text: string, at: 'Show now' | 'Show next'): Promise<void> {
  await desk.getByRole('button', { name: 'Add a cue' }).click();
  const form = desk.getByRole('dialog', { name: 'Add a cue' });
  await form.getByRole('textbox', { name: 'Cue text' }).fill(text);
  await form.getByRole('button', { name: at }).click();
  await expect(desk.getByRole('dialog')).toHaveCount(0);
}
