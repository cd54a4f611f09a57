import { defineConfig, devices } from '@playwright/test';

/**
 * Debian's Chromium (Playwright's own browser download cannot run on these machines), as its headless shell: the
 * same engine without the full browser's UI process and compositor, which is what Playwright itself runs headless,
 * and half the CPU of the suite (CI's `.ci/run` installs it). `PW_CHROMIUM=/usr/bin/chromium` runs the full browser.
 */
export const chromiumLaunch = {
  executablePath: process.env.PW_CHROMIUM ?? '/usr/bin/chromium-headless-shell',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export default defineConfig({
  testDir: '.',
  testMatch: '**/*.e2e.ts',
  outputDir: '../../test-results',
  timeout: 120_000,
  expect: { timeout: 5_000 },
  // Four at a time on 2 cores: the stories wait on servers, timers and feedback windows a good part of their time,
  // so four keep both cores busy (34 stories: 3.3 min on 2 workers, 2.6 min on 4, on this machine).
  workers: 4,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunch,
    locale: 'en-US',
    // A trace records every action's DOM and frames even for stories that pass (a third of the suite's CPU): off
    // unless asked for (`PW_TRACE=retain-on-failure`); a failure still leaves its screenshot.
    trace: process.env.PW_TRACE === 'retain-on-failure' ? 'retain-on-failure' : 'off',
    screenshot: 'only-on-failure',
    // A click on a control that is not there fails within this, naming the control, instead of waiting out the
    // test's whole limit (how a renamed or removed control looked like a hang).
    actionTimeout: 30_000,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], launchOptions: chromiumLaunch } }],
});
