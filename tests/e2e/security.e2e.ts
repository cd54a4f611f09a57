/**
 * The built client passes the server's strict Content-Security-Policy (script-src 'self', no inline script): a
 * whole class in Chromium, every page of both roles, with every CSP violation the browser reports collected
 * (the `securitypolicyviolation` event and the console). None may occur.
 */
import type { BrowserContext, Page } from '@playwright/test';
import { removeDataDir, type SpawnedServer } from '../helpers/spawn-server.js';
import { endClassOnTablet } from './class-steps.js';
import { expect, newPhone, newTablet, test, startServer } from './fixtures.js';

let server: SpawnedServer;
test.beforeAll(async () => {
  server = await startServer();
});
test.afterAll(async () => {
  await server?.stop();
  if (server) removeDataDir(server);
});

/** Records what the browser refused under the page's CSP, on every page of the context. */
async function watchPolicy(context: BrowserContext, violations: string[]): Promise<void> {
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const seen = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} on ${location.pathname}`);
    });
  });
  context.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply|connect|frame)/i.test(message.text())) violations.push(message.text());
  });
}

async function collect(page: Page, violations: string[]): Promise<void> {
  violations.push(...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])));
}

test('every page of a whole class runs under the strict CSP without a single violation', async ({ browser }) => {
  const violations: string[] = [];
  const tablet = await newTablet(browser);
  const phone = await newPhone(browser);
  await watchPolicy(tablet.context, violations);
  await watchPolicy(phone.context, violations);
  const desk = tablet.page;
  const mobile = phone.page;

  await desk.goto(`${server.url}/instructor`);
  await desk.getByLabel('E-mail').fill('csp@clinic.test');
  await desk.getByLabel('Password').fill('correct horse battery');
  await desk.getByRole('button', { name: 'Create account' }).click();
  // The first account is the clinic lead, who edits the library's sequences in place.
  const library = desk.getByRole('region', { name: 'The clinic’s library' });
  await library.getByRole('button', { name: 'More actions' }).first().click();
  await library.getByRole('link', { name: 'Edit' }).first().click();
  await expect(desk.getByRole('heading', { name: 'Edit sequence' })).toBeVisible();
  await collect(desk, violations);
  await desk.goto(`${server.url}/instructor/account`);
  await expect(desk.getByText('Signed in as csp@clinic.test.')).toBeVisible();
  await collect(desk, violations);
  await desk.goto(`${server.url}/instructor`);
  await desk.getByRole('button', { name: 'Open class' }).first().click();
  const joinCode = desk.getByRole('region', { name: 'Join code' });
  await expect(joinCode.locator('svg')).toBeVisible();
  const code = /[A-HJKMNP-Z2-9]{6}/.exec((await joinCode.textContent()) ?? '')![0];

  await mobile.goto(server.url);
  await expect(mobile.getByLabel('Class code')).toBeVisible();
  await collect(mobile, violations);
  await mobile.goto(`${server.url}/join/${code}`);
  await mobile.getByRole('button', { name: 'Join' }).click();
  await desk.getByRole('button', { name: 'Start class' }).click();
  await mobile.getByRole('button', { name: 'Tension' }).click();
  await mobile.getByRole('button', { name: 'neck' }).click();
  await mobile.getByRole('button', { name: 'Done' }).click();
  await expect(desk.getByRole('region', { name: 'Live responses' })).toContainText('1 Tension');
  // A reload mid-class: the page whose HTML carries the cue and the state.
  await mobile.reload();
  await expect(mobile.getByRole('region', { name: 'Current cue' })).toContainText(/1 of \d+/);
  await collect(mobile, violations);

  await endClassOnTablet(desk);
  await expect(mobile.getByRole('button', { name: 'Send feedback' })).toBeVisible();
  await collect(mobile, violations);
  await desk.getByRole('link', { name: 'Open summary' }).click();
  await expect(desk.getByRole('link', { name: 'Export CSV' })).toBeVisible();
  await collect(desk, violations);
  // The other pages after class: printable summary, trend, past classes.
  for (const link of ['Printable page', 'Trend of this sequence', 'Past classes']) {
    const href = await desk.getByRole('link', { name: link }).getAttribute('href');
    await desk.goto(server.url + href!);
    await expect(desk.getByRole('heading', { level: 1 })).toBeVisible();
    await collect(desk, violations);
    await desk.goBack();
  }

  expect(violations).toEqual([]);
});
