/**
 * After class, for the signed-in instructor: a class's summary (JSON, and as CSV and JSON downloads), the
 * list of past classes, a sequence's trend and its insights, and the threshold setting. Another instructor's
 * class or sequence is 404, like a missing one.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { AppError } from '../../shared/errors.js';
import { csvQuerySchema, historyQuerySchema, summarySettingsSchema, type ClassSummary } from '../../shared/schemas/summary.js';
import { formatIssues } from '../realtime/handle.js';
import type { SummaryService } from '../services/summary-service.js';
import { COMMA_DIALECT, dialectForLanguage, SEMICOLON_DIALECT, toCsv } from './csv.js';
import { parseBody } from './http-errors.js';
import { signedIn } from './require-instructor.js';
import { summaryCsvRows } from './summary-csv.js';

export function summaryRoutes(summaries: SummaryService, requireInstructor: RequestHandler): Router {
  const router = Router();
  const summaryOf = (classId: string, res: Response) => summaries.summary(classId, signedIn(res));

  router.get('/classes/:classId/summary', requireInstructor, async (req: Request<{ classId: string }>, res) => {
    res.json(await summaries.summaryPage(req.params.classId, signedIn(res)));
  });

  router.get('/classes/:classId/summary.json', requireInstructor, async (req: Request<{ classId: string }>, res) => {
    const summary = await summaryOf(req.params.classId, res);
    res.attachment(exportName(summary, 'json')).type('application/json').send(JSON.stringify(summary, null, 2));
  });

  router.get('/classes/:classId/summary.csv', requireInstructor, async (req: Request<{ classId: string }>, res) => {
    const query = csvQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('input/invalid', 'The request is not valid.', formatIssues(query.error));
    const summary = await summaryOf(req.params.classId, res);
    // An explicit delimiter wins; else the language the export is made in (`lang`); else RFC 4180's comma.
    const { delimiter, lang } = query.data;
    const dialect = delimiter ? (delimiter === 'semicolon' ? SEMICOLON_DIALECT : COMMA_DIALECT) : lang ? dialectForLanguage(lang) : COMMA_DIALECT;
    res.attachment(exportName(summary, 'csv')).type('text/csv; charset=utf-8').send(toCsv(summaryCsvRows(summary), dialect));
  });

  router.get('/history', requireInstructor, async (req, res) => {
    const query = historyQuerySchema.safeParse(req.query);
    if (!query.success) throw new AppError('input/invalid', 'The request is not valid.', formatIssues(query.error));
    res.json(await summaries.history(signedIn(res).id, query.data.page));
  });

  router.get('/trends/:sequenceId', requireInstructor, async (req: Request<{ sequenceId: string }>, res) => {
    res.json(await summaries.trend(req.params.sequenceId, signedIn(res)));
  });

  router.get('/trends/:sequenceId/insights', requireInstructor, async (req: Request<{ sequenceId: string }>, res) => {
    res.json(await summaries.insights(req.params.sequenceId, signedIn(res).id));
  });

  router.get('/settings/summary', requireInstructor, async (_req, res) => {
    res.json(await summaries.settings(signedIn(res).id));
  });

  router.post('/settings/summary', requireInstructor, async (req, res) => {
    res.json(await summaries.updateSettings(signedIn(res).id, parseBody(summarySettingsSchema, req)));
  });

  return router;
}

/** `attune-summary-K7M2QX-2026-11-24.csv`: ASCII only, whatever the class's title. */
function exportName(summary: ClassSummary, extension: 'csv' | 'json'): string {
  return `attune-summary-${summary.code}-${new Date(summary.createdAt).toISOString().slice(0, 10)}.${extension}`;
}
