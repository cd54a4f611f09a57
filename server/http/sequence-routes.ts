/**
 * /api/sequences: the signed-in instructor's own sequences (list, read, write, duplicate, delete) and their
 * files (export, import). Bodies may be up to 1 MB here, so a whole sequence file fits; the router parses its
 * own bodies and is mounted before the API's small default parser.
 */
import express, { Router, type ErrorRequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';
import { SEQUENCE_FILE_MAX_BYTES, sequenceInputSchema, type SequenceFile } from '../../shared/schemas/sequence.js';
import type { SequenceService } from '../services/sequence-service.js';
import { parseBody } from './http-errors.js';
import { signedIn } from './require-instructor.js';

/** `now`: the app's one clock. */
export function sequenceRoutes(sequences: SequenceService, now: () => number): Router {
  const router = Router();

  // The file as it is, whatever its declared type: the service tells "not JSON" apart from "not a sequence".
  router.post('/import', express.text({ type: () => true, limit: SEQUENCE_FILE_MAX_BYTES }), async (req, res) => {
    const text = typeof req.body === 'string' ? req.body : '';
    res.status(201).json(await sequences.importFile(signedIn(res).id, text, now()));
  });

  router.use(express.json({ limit: SEQUENCE_FILE_MAX_BYTES }));

  router.get('/', async (_req, res) => {
    res.json(await sequences.list(signedIn(res).id));
  });

  router.post('/', async (req, res) => {
    res.status(201).json(await sequences.create(signedIn(res).id, parseBody(sequenceInputSchema, req), now()));
  });

  router.get('/:sequenceId', async (req, res) => {
    res.json(await sequences.read(req.params.sequenceId, signedIn(res)));
  });

  router.put('/:sequenceId', async (req, res) => {
    const input = parseBody(sequenceInputSchema, req);
    res.json(await sequences.update(req.params.sequenceId, signedIn(res), input, now()));
  });

  router.delete('/:sequenceId', async (req, res) => {
    await sequences.remove(req.params.sequenceId, signedIn(res), Date.now());
    res.status(204).end();
  });

  router.post('/:sequenceId/duplicate', async (req, res) => {
    res.status(201).json(await sequences.duplicate(req.params.sequenceId, signedIn(res), now()));
  });

  router.get('/:sequenceId/export', async (req, res) => {
    const file: SequenceFile = await sequences.exportFile(req.params.sequenceId, signedIn(res));
    res.attachment(`${fileName(file.title)}.attune.json`).type('application/json').send(JSON.stringify(file, null, 2) + '\n');
  });

  router.use(tooLarge);
  return router;
}

/** A body over the limit is refused with a message a person understands, not the parser's. */
const tooLarge: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if ((error as { type?: string }).type !== 'entity.too.large') return next(error);
  const message = `The file is larger than ${SEQUENCE_FILE_MAX_BYTES / (1024 * 1024)} MB.`;
  res.status(413).json({ error: new AppError('input/invalid', message).toJSON() });
};

/** A file name from a title: letters (with diacritics), digits and dashes. */
export function fileName(title: string): string {
  const slug = title
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
  return slug.slice(0, 80) || 'sequence';
}
