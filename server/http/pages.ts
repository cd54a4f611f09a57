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
import type { RateLimits } from '../rate-limits.js';
import type { ClassService } from '../services/class-service.js';

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
    await limits.joinAttempt(req.ip ?? '');
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
  router.use((req, res) => sendHtml(res.status(404), notFoundHtml(req.acceptsLanguages('en', 'cs') === 'cs' ? 'cs' : 'en')));

  return router;
}

/** The page for an address that is no page, in `language` first and then the other of Czech and English. */
function notFoundHtml(language: 'cs' | 'en'): string {
  const [first, second] = language === 'cs' ? [commonCs, commonEn] : [commonEn, commonCs];
  const other = language === 'cs' ? 'en' : 'cs';
  return (
    `<!doctype html><html lang="${language}"><head><meta charset="utf-8" />` +
    `<meta name="viewport" content="width=device-width, initial-scale=1" />` +
    `<title>${escapeHtml(first['notFound.heading'])} · Attune</title>` +
    `<style>body{margin:0;font-family:system-ui,sans-serif;background:#f6f2ec;color:#211d18;line-height:1.45}` +
    `main{max-width:36rem;margin:12vh auto;padding:0 1.5rem}h1{font-size:2.5rem;line-height:1.15;margin:0 0 .75rem}` +
    `p{font-size:1.25rem}.code{color:#5b5248;font-size:1rem;margin:0}a{display:inline-block;padding:.75rem 1.25rem;` +
    `border-radius:.875rem;background:#1f5c58;color:#fff;font-weight:700;text-decoration:none}` +
    `a:focus-visible{outline:3px solid #1f5c58;outline-offset:3px}section{margin-top:3rem;border-top:1px solid #d6ccbf;color:#5b5248}` +
    `section h2{font-size:1.25rem;margin:1.5rem 0 .25rem}section p{font-size:1rem}</style></head>` +
    `<body><main><p class="code">404</p><h1>${escapeHtml(first['notFound.heading'])}</h1>` +
    `<p>${escapeHtml(first['notFound.text'])}</p><p><a href="/">${escapeHtml(first['notFound.home'])}</a></p>` +
    `<section lang="${other}"><h2>${escapeHtml(second['notFound.heading'])}</h2><p>${escapeHtml(second['notFound.text'])}</p></section>` +
    `</main></body></html>`
  );
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
  const messages = req.acceptsLanguages('en', 'cs') === 'cs' ? phoneCs : phoneEn;
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

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
