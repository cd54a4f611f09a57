/**
 * A phone reloading mid-class on a throttled network (PRODUCT.md: "shows the current cue within one second on
 * a throttled fast 3G profile"). Debian's Chromium with the tests' flags, a phone context (390×844) that joined
 * a running class, DevTools' "Fast 3G" preset applied over CDP; before each reload the instructor changes the
 * cue, so the page must show the class's current cue, not one it saw before. Timed inside the page from its
 * navigation start: the HTML received, the first paint, the current cue's text on screen, the app's script
 * taking over (its Tension button), and its socket connected. Warm reloads keep the browser cache (a reload
 * revalidates only the page itself); cold ones disable it, as a phone that evicted the app's files would be.
 */
import { chromium, type Page } from '@playwright/test';
import { newPhone } from '../tests/e2e/fixtures.js';
import { chromiumLaunch } from '../tests/e2e/playwright.config.js';
import { summarize, type LatencySummary } from './stats.js';

/**
 * DevTools' "Fast 3G" (front_end/core/sdk/NetworkManager.ts): 1.6 Mbps down and 750 kbps up, each at 90 %,
 * and 150 ms × 3.75 of latency per request.
 */
export const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: ((1.6 * 1000 * 1000) / 8) * 0.9,
  uploadThroughput: ((750 * 1000) / 8) * 0.9,
};

const WARM_RELOADS = 10;
const COLD_RELOADS = 5;
const RELOAD_TIMEOUT_MS = 20_000;
/** Every moment a reload is timed by: the page is done with once all are recorded. */
const MARK_KEYS = ['responseEnd', 'firstPaint', 'cueFrame', 'takeover', 'connected'] as const;

/** What the page recorded about itself, in ms since its navigation started. */
interface Marks {
  /** The page's HTML fully received (Chromium applies the emulated latency to the body, not the headers). */
  responseEnd: number;
  /** The page's HTML as it came over the network (bytes, compressed if it was). */
  htmlBytes: number;
  /** First contentful paint: when that frame was presented, as Chromium reports it. */
  firstPaint: number;
  /** The cue's text first in the page, and the frame after that (the first in which it can have been painted). */
  cueText: string;
  cueInDom: number;
  cueFrame: number;
  /** In that frame the cue's text was laid out within the viewport. */
  cueOnScreen: boolean;
  takeover: number;
  connected: number;
}

export interface ReloadSamples {
  reloads: number;
  htmlReceived: LatencySummary;
  firstPaint: LatencySummary;
  cueVisible: LatencySummary;
  takeover: LatencySummary;
  connected: LatencySummary;
  htmlBytes: number;
  /** Reloads that showed another cue than the current one, or showed it outside the viewport. */
  wrongCue: number;
}

export interface ReloadResult {
  warm: ReloadSamples;
  cold: ReloadSamples;
}

interface Context {
  url: string;
  code: string;
  /** Changes the class's cue and answers the new cue's text. */
  changeCue: () => Promise<string>;
}

export async function measureReload(context: Context): Promise<ReloadResult> {
  const browser = await chromium.launch(chromiumLaunch);
  try {
    const { page, context: phone } = await newPhone(browser);
    // Joined unthrottled, as before class; the throttled part is the reload.
    await page.goto(`${context.url}/join/${context.code}`);
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByRole('button', { name: 'Tension' }).waitFor();
    await page.addInitScript({ content: RECORD_MARKS });
    const cdp = await phone.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', FAST_3G);
    const warm = await reloads(page, context, WARM_RELOADS);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const cold = await reloads(page, context, COLD_RELOADS);
    return { warm, cold };
  } finally {
    await browser.close();
  }
}

async function reloads(page: Page, context: Context, count: number): Promise<ReloadSamples> {
  const samples: Marks[] = [];
  let wrongCue = 0;
  for (let i = 0; i < count; i++) {
    const cueText = await context.changeCue();
    await page.reload({ waitUntil: 'commit', timeout: RELOAD_TIMEOUT_MS });
    await page.waitForFunction(
      (keys) => keys.every((key) => (window as { attuneMarks?: Partial<Marks> }).attuneMarks?.[key] !== undefined),
      MARK_KEYS,
      { timeout: RELOAD_TIMEOUT_MS },
    );
    const marks = await page.evaluate(() => (window as unknown as { attuneMarks: Marks }).attuneMarks);
    // The throttling must hold across reloads: HTML that arrived sooner than the latency means it did not.
    if (marks.responseEnd < FAST_3G.latency) throw new Error(`reload ${i}: the page arrived after ${marks.responseEnd} ms, not throttled`);
    if (marks.cueText !== cueText || !marks.cueOnScreen) wrongCue++;
    samples.push(marks);
  }
  const of = (key: 'responseEnd' | 'firstPaint' | 'takeover' | 'connected') => summarize(samples.map((marks) => marks[key]));
  return {
    reloads: count,
    htmlReceived: of('responseEnd'),
    firstPaint: of('firstPaint'),
    // The cue is on screen in the first contentful paint if it was in the page by then, else in a frame after.
    cueVisible: summarize(samples.map((marks) => Math.max(marks.firstPaint, marks.cueFrame))),
    takeover: of('takeover'),
    connected: of('connected'),
    htmlBytes: Math.max(...samples.map((marks) => marks.htmlBytes)),
    wrongCue,
  };
}

/**
 * Runs in the page before its own scripts, on every navigation: watches the document as it is parsed and
 * rendered and fills `window.attuneMarks` (see Marks). Plain JavaScript in a string: a function would be
 * sent as its source after tsx compiled it, with helpers (`__name`) that do not exist in the page.
 */
const RECORD_MARKS = `(() => {
  const marks = {};
  window.attuneMarks = marks;
  // The frame after the one that rendered a change: its timestamp is when that change was on screen.
  const afterNextFrame = (done) => requestAnimationFrame(() => setTimeout(done, 0));
  let wasOffline = false;
  let isTakenOver = false;
  const check = () => {
    const cue = document.querySelector('.cue-text');
    if (marks.cueInDom === undefined && cue && cue.textContent) {
      marks.cueInDom = performance.now();
      marks.cueText = cue.textContent;
      afterNextFrame(() => {
        // The app may have replaced the server's markup meanwhile: whatever shows the cue now counts.
        const shown = document.querySelector('.cue-text');
        const box = shown ? shown.getBoundingClientRect() : { width: 0, height: 0, bottom: Infinity };
        marks.cueOnScreen = !!shown && shown.textContent === marks.cueText && box.width > 0 && box.height > 0 && box.bottom <= innerHeight;
        marks.cueFrame = performance.now();
      });
    }
    if (!isTakenOver && document.querySelector('button.flag.tension')) {
      isTakenOver = true;
      afterNextFrame(() => (marks.takeover = performance.now()));
    }
    // The app shows "Reconnecting…" until its socket is connected, then nothing.
    const status = document.querySelector('.connection');
    if (status && status.textContent.trim()) wasOffline = true;
    else if (status && wasOffline && marks.connected === undefined) marks.connected = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.name === 'first-contentful-paint') marks.firstPaint = entry.startTime;
  }).observe({ type: 'paint', buffered: true });
  addEventListener('load', () => {
    const navigation = performance.getEntriesByType('navigation')[0];
    marks.responseEnd = navigation.responseEnd;
    marks.htmlBytes = navigation.encodedBodySize;
  });
})();`;
