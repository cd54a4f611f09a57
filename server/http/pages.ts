/**
 * The built client: static assets, and the HTML of each route. A phone reloading mid-class must show the cue
 * within a second even on a slow network, so the join page's HTML is complete on its own: its stylesheets are
 * inlined (no second round trip before the first paint), the current cue is rendered into it, and the class's
 * public state rides along in a non-executed JSON block that the script then takes over from.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request } from 'express';
import { normalizeJoinCode } from '../../shared/join-code.js';
import type { PublicClassState } from '../../shared/schemas/class.js';
import { isCodeOpen } from '../domain/join-rules.js';
import type { RateLimits } from '../rate-limits.js';
import { publicState } from '../services/class-service.js';
import type { Storage } from '../storage/storage.js';
import { cs as phoneCs } from '../../client/src/participant/messages.cs.js';
import { en as phoneEn } from '../../client/src/participant/messages.en.js';

const INITIAL_STATE_MARK = '<!--attune-initial-state-->';
const APP_MOUNT = '<div id="app"></div>';

/** What the join page's HTML carries. `class` is null when the code names no class. */
export interface InitialState {
  class: PublicClassState | null;
}

export function pageRoutes(clientDir: string, storage: Storage, limits: Pick<RateLimits, 'joinAttempt'>): Router {
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
    const code = normalizeJoinCode(req.params.code);
    const now = Date.now();
    const found = code ? await storage.findClassByCode(code) : null;
    // An ended class's code leads nowhere once its feedback window has closed.
    const record = found && isCodeOpen(found, now) ? found : null;
    const state = record ? publicState(record, now) : null;
    const initial: InitialState = { class: state };
    // `<` escaped so no text inside the block can close it.
    const block = `<script type="application/json" id="attune-initial-state">${JSON.stringify(initial).replace(/</g, '\\u003c')}</script>`;
    // Replacer functions: a string replacement would read `$'`, `$&` or `` $` `` in a title or cue as a pattern.
    const mount = `<div id="app">${renderCue(state, req)}</div>`;
    const html = participantHtml.replace(INITIAL_STATE_MARK, () => block).replace(APP_MOUNT, () => mount);
    sendHtml(res.status(record ? 200 : 404), html);
  });

  router.get(['/instructor', '/instructor/*rest'], (_req, res) => sendHtml(res, instructorHtml));

  return router;
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
