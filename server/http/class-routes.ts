/** /api/classes: open a class from a sequence, list the instructor's classes, read one with its join QR code. */
import { Router, type Request } from 'express';
import QRCode from 'qrcode';
import { classOpenSchema, cueKeepParamsSchema, type ClassDetails, type ClassListItem } from '../../shared/schemas/class.js';
import type { ClassRecord, ClassService } from '../services/class-service.js';
import { parseBody, parseParams } from './http-errors.js';
import { signedIn } from './require-instructor.js';

export function classRoutes(classes: ClassService, publicUrl: string | undefined): Router {
  const router = Router();

  async function details(record: ClassRecord, req: Request): Promise<ClassDetails> {
    const base = publicUrl ?? `${req.protocol}://${req.get('host')}`;
    const joinUrl = new URL(`/join/${record.code}`, base).href;
    const qrSvg = await QRCode.toString(joinUrl, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
    return { class: classes.stateOf(record), joinUrl, qrSvg };
  }

  router.get('/', async (_req, res) => {
    const records = await classes.listClasses(signedIn(res).id);
    const items: ClassListItem[] = records.map((r) => ({
      classId: r.id,
      code: r.code,
      title: r.title,
      status: r.status,
      createdAt: r.createdAt,
    }));
    res.json(items);
  });

  router.post('/', async (req, res) => {
    const { sequenceId } = parseBody(classOpenSchema, req);
    const record = await classes.openClass(signedIn(res).id, sequenceId);
    res.status(201).json(await details(record, req));
  });

  router.get('/:classId', async (req, res) => {
    const record = await classes.ownClass(req.params.classId, signedIn(res).id);
    res.json(await details(record, req));
  });

  /** Keep in the sequence: a cue added during the class goes into the sequence it ran (see the class service). */
  router.post('/:classId/cues/:cueIndex/keep', async (req, res) => {
    const { cueIndex } = parseParams(cueKeepParamsSchema, req.params);
    res.json(await classes.keepAddedCue(req.params.classId, cueIndex, signedIn(res).id));
  });

  return router;
}
