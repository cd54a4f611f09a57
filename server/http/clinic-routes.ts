/**
 * /api/clinic, for the clinic lead only: colleagues' accounts, the clinic's K, every instructor's classes and
 * the overview.
 */
import { Router, type Request } from 'express';
import { AppError } from '../../shared/errors.js';
import { accountChangeSchema, clinicQuerySchema, colleagueNewSchema } from '../../shared/schemas/clinic.js';
import { summarySettingsSchema } from '../../shared/schemas/summary.js';
import { formatIssues } from '../../shared/issues.js';
import type { ClinicService } from '../services/clinic-service.js';
import { parseBody } from './http-errors.js';
import { requireLead, signedIn } from './require-instructor.js';

export function clinicRoutes(clinic: ClinicService): Router {
  const router = Router();
  router.use(requireLead);

  router.get('/accounts', async (_req, res) => {
    res.json(await clinic.accounts());
  });

  router.post('/accounts', async (req, res) => {
    res.status(201).json(await clinic.addColleague(parseBody(colleagueNewSchema, req).email));
  });

  router.post('/accounts/:accountId', async (req: Request<{ accountId: string }>, res) => {
    const change = parseBody(accountChangeSchema, req);
    if ('role' in change) await clinic.setRole(req.params.accountId, change.role);
    else await clinic.setActive(req.params.accountId, change.isActive);
    res.json({ ok: true });
  });

  router.post('/accounts/:accountId/password', async (req: Request<{ accountId: string }>, res) => {
    res.json(await clinic.resetPassword(req.params.accountId));
  });

  router.get('/settings', async (_req, res) => {
    res.json(await clinic.settings());
  });

  router.post('/settings', async (req, res) => {
    res.json(await clinic.updateSettings(parseBody(summarySettingsSchema, req).summaryThreshold));
  });

  router.get('/classes', async (req, res) => {
    res.json(await clinic.classes(parseQuery(req)));
  });

  router.get('/overview', async (req, res) => {
    res.json(await clinic.overview(parseQuery(req), signedIn(res)));
  });

  return router;
}

function parseQuery(req: Request) {
  const query = clinicQuerySchema.safeParse(req.query);
  if (!query.success) throw new AppError('input/invalid', 'The request is not valid.', formatIssues(query.error));
  return query.data;
}
