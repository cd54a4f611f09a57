import { defineConfig, devices } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download cannot run on these machines. */
export const chromiumLaunch = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../../test-results',
  timeout: 120_000,
  expect: { timeout: 5_000 },
  workers: 2,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunch,
    locale: 'en-US',
    trace: 'retain-on-failure',
    // A click on a control that is not there fails within this, naming the control, instead of waiting out the
    // test's whole limit (how a renamed or removed control looked like a hang).
    actionTimeout: 30_000,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunch } }],
});
