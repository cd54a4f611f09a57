/**
 * The built client: static assets, and the HTML of each route. A phone reloading mid-class must show the cue
 * within a second even on a slow network, so the join page's HTML is complete on its own: its stylesheets are
 * inlined (no second round trip before the first paint), the current cue is rendered into it, and the class's
 * public state rides along in a non-executed JSON block that the script then takes over from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request } from 'express';
import type { PublicClassState } from '../../shared/schemas/class.js';
import { joinPageStringsCs as phoneCs, joinPageStringsEn as phoneEn } from '../../shared/join-page-strings.js';
import { notFoundStringsCs as commonCs, notFoundStringsEn as commonEn } from '../../shared/not-found-strings.js';
import { RateLimitedError, type RateLimits } from '../rate-limits.js';
import type { ClassService } from '../services/class-service.js';
import { joinPausedStringsCs as joinPausedCs, joinPausedStringsEn as joinPausedEn } from './join-paused-strings.js';
import { escapeHtml, noticeHtml, type NoticeWords } from './notice-page.js';

const INITIAL_STATE_MARK = '<!--attune-initial-state-->';
const APP_MOUNT = '<div id="app"></div>';

/** What the join page's HTML carries. `class` is null when the code names no class. */
export interface InitialState {
  class: PublicClassState | null;
}

export function pageRoutes(clientDir: string, classes: Pick<ClassService, 'joinPageState'>, limits: Pick<RateLimits, 'joinAttempt'>): Router {
  const router = Router();
  const participantHtml = inlineStylesheets(readFileSync(join(clientDir, 'participant.html'), 'utf8'), clientDir);
  const instructorHtml = readFileSync(join(clientDir, 'instructor.html'), 'utf8');

  router.use('/assets', express.static(join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  router.use(express.static(clientDir, { index: false }));

  const sendHtml = (res: express.Response, html: string) => res.type('html').set('Cache-Control', 'no-store').send(html);

  router.get('/', (_req, res) => sendHtml(res, participantHtml));

  router.get('/join/:code', async (req, res) => {
    // Guessing codes: counted per address (req.ip, through trusted proxies only) and overall, kept in memory.
    // Past the limit a person still reads what happened and when to try again; a script gets the same 429.
    try {
      await limits.joinAttempt(req.ip ?? '');
    } catch (error) {
      if (!(error instanceof RateLimitedError)) throw error;
      res.set('Retry-After', String(error.retryAfterSeconds));
      sendHtml(res.status(429), joinPausedHtml(pageLanguage(req), error.retryAfterSeconds, req.params.code));
      return;
    }
    const state = await classes.joinPageState(req.params.code);
    const initial: InitialState = { class: state };
    // `<` escaped so no text inside the block can close it.
    const block = `<script type="application/json" id="attune-initial-state">${JSON.stringify(initial).replace(/</g, '\\u003c')}</script>`;
    // Replacer functions: a string replacement would read `$'`, `$&` or `` $` `` in a title or cue as a pattern.
    const mount = `<div id="app">${renderCue(state, req)}</div>`;
    const html = participantHtml.replace(INITIAL_STATE_MARK, () => block).replace(APP_MOUNT, () => mount);
    sendHtml(res.status(state ? 200 : 404), html);
  });

  router.get(['/instructor', '/instructor/*rest'], (_req, res) => sendHtml(res, instructorHtml));

  // Any other address is no page: a 404 a person can read, in their language with the other one below.
  router.use((req, res) => sendHtml(res.status(404), notFoundHtml(pageLanguage(req))));

  return router;
}

/** The language of a server-rendered page: Czech when the browser prefers it to English, else English. */
function pageLanguage(req: Request): 'cs' | 'en' {
  return req.acceptsLanguages('en', 'cs') === 'cs' ? 'cs' : 'en';
}

/** The page for an address that is no page. */
function notFoundHtml(language: 'cs' | 'en'): string {
  const words = (strings: Record<keyof typeof commonEn, string>): NoticeWords => ({ heading: strings['notFound.heading'], text: strings['notFound.text'], action: strings['notFound.home'] });
  const [first, second] = language === 'cs' ? [commonCs, commonEn] : [commonEn, commonCs];
  return noticeHtml({ language, status: 404, first: words(first), second: words(second), href: '/' });
}

/** The page for join attempts paused by the limiter; its link asks for the same join page again. */
function joinPausedHtml(language: 'cs' | 'en', retryAfterSeconds: number, code: string): string {
  const words = (strings: NoticeWords): NoticeWords => ({ ...strings, text: strings.text.replace('{seconds}', () => String(retryAfterSeconds)) });
  const [first, second] = language === 'cs' ? [joinPausedCs, joinPausedEn] : [joinPausedEn, joinPausedCs];
  return noticeHtml({ language, status: 429, first: words(first), second: words(second), href: `/join/${encodeURIComponent(code)}` });
}

/** Replaces the page's stylesheet links with the stylesheets themselves. */
function inlineStylesheets(html: string, clientDir: string): string {
  return html.replace(/<link rel="stylesheet"[^>]*href="\/([^"]+)"[^>]*>/g, (_link, path: string) => {
    const css = readFileSync(join(clientDir, path), 'utf8');
    return `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`;
  });
}

/**
 * The current cue as static markup, in the classes the phone's own page uses, so the first paint already
 * shows it; the script replaces it when it starts. Nothing outside a running or paused class.
 */
function renderCue(state: PublicClassState | null, req: Request): string {
  if (!state?.cue || (state.status !== 'running' && state.status !== 'paused')) return '';
  const messages = pageLanguage(req) === 'cs' ? phoneCs : phoneEn;
  const position = messages['participant.cuePosition']
    .replace('{current}', () => String(state.cueIndex + 1))
    .replace('{total}', () => String(state.cueCount));
  return (
    `<div class="shell"><main class="page in-class">` +
    `<section class="cue" aria-label="${escapeHtml(messages['participant.cueRegion'])}" lang="${state.language}">` +
    `<p class="cue-meta"><span class="position">${escapeHtml(position)}</span></p>` +
    `<p class="cue-text">${escapeHtml(state.cue.text)}</p>` +
    `</section></main></div>`
  );
}
