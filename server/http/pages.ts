/**
 * The built client: static assets, and the HTML of each route. The participant page's HTML carries the
 * class's current public state in a non-executed JSON block, so a reloading phone shows the cue before its
 * socket connects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';
import { normalizeJoinCode } from '../../shared/join-code.js';
import type { PublicClassState } from '../../shared/schemas/class.js';
import { publicState } from '../services/class-service.js';
import type { Storage } from '../storage/storage.js';

const INITIAL_STATE_MARK = '<!--attune-initial-state-->';

/** What the join page's HTML carries. `class` is null when the code names no class. */
export interface InitialState {
  class: PublicClassState | null;
}

export function pageRoutes(clientDir: string, storage: Storage): Router {
  const router = Router();
  const participantHtml = readFileSync(join(clientDir, 'participant.html'), 'utf8');
  const instructorHtml = readFileSync(join(clientDir, 'instructor.html'), 'utf8');

  router.use('/assets', express.static(join(clientDir, 'assets'), { immutable: true, maxAge: '1y', index: false }));
  router.use(express.static(clientDir, { index: false }));

  const sendHtml = (res: express.Response, html: string) => res.type('html').set('Cache-Control', 'no-store').send(html);

  router.get('/', (_req, res) => sendHtml(res, participantHtml));

  router.get('/join/:code', async (req, res) => {
    const code = normalizeJoinCode(req.params.code);
    const record = code ? await storage.findClassByCode(code) : null;
    const initial: InitialState = { class: record ? publicState(record, Date.now()) : null };
    // `<` escaped so no text inside the block can close it.
    const block = `<script type="application/json" id="attune-initial-state">${JSON.stringify(initial).replace(/</g, '\\u003c')}</script>`;
    sendHtml(res.status(record ? 200 : 404), participantHtml.replace(INITIAL_STATE_MARK, block));
  });

  router.get(['/instructor', '/instructor/*rest'], (_req, res) => sendHtml(res, instructorHtml));

  return router;
}
