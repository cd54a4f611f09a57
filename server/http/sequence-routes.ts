/** /api/sequences: the signed-in instructor's own sequences. */
import { Router } from 'express';
import type { Storage } from '../storage/storage.js';
import { signedIn } from './require-instructor.js';

export function sequenceRoutes(storage: Storage): Router {
  const router = Router();
  router.get('/', async (_req, res) => {
    res.json(await storage.listSequences(signedIn(res).id));
  });
  return router;
}
