/**
 * /api/library, for every signed-in instructor: the clinic's shared library, sharing one's own sequence to it,
 * taking a copy, and taking a sequence out (the rules in domain/clinic-rules.ts decide who may).
 */
import { Router, type Request } from 'express';
import { librarySharingSchema } from '../../shared/schemas/clinic.js';
import type { ClinicService } from '../services/clinic-service.js';
import { parseBody } from './http-errors.js';
import { signedIn } from './require-instructor.js';

export function libraryRoutes(clinic: ClinicService): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.json(await clinic.library(signedIn(res)));
  });

  router.post('/', async (req, res) => {
    const { sequenceId } = parseBody(librarySharingSchema, req);
    res.status(201).json(await clinic.share(sequenceId, signedIn(res)));
  });

  router.post('/:sequenceId/copy', async (req: Request<{ sequenceId: string }>, res) => {
    res.status(201).json(await clinic.takeCopy(req.params.sequenceId, signedIn(res)));
  });

  router.delete('/:sequenceId', async (req: Request<{ sequenceId: string }>, res) => {
    await clinic.retire(req.params.sequenceId, signedIn(res));
    res.status(204).end();
  });

  return router;
}

