/** Turning errors into HTTP answers: known codes to 4xx with a message, everything else 500 without details. */
import type { ErrorRequestHandler, Request } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, type ErrorCode } from '../../shared/errors.js';
import { RateLimitedError } from '../rate-limits.js';
import { formatIssues } from '../realtime/handle.js';

const statusByCode: Partial<Record<ErrorCode, number>> = {
  'input/invalid': 400,
  'auth/required': 401,
  'auth/invalid_credentials': 401,
  'auth/forbidden': 403,
  'auth/signup_closed': 409,
  'auth/deactivated': 403,
  'clinic/last_lead': 409,
  'clinic/account_not_found': 404,
  'class/not_found': 404,
  'sequence/not_found': 404,
  'class/stale_revision': 409,
  'class/illegal_transition': 409,
  'class/cue_limit': 409,
  'sequence/cue_limit': 409,
  'sequence/library': 409,
  'rate/limited': 429,
};

/** Parses a request body with its shared schema or throws `input/invalid` naming every bad field. */
export function parseBody<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw new AppError('input/invalid', 'The request is not valid.', formatIssues(parsed.error));
  return parsed.data;
}

/** Parses a route's parameters with their shared schema or throws `input/invalid`. */
export function parseParams<S extends z.ZodType>(schema: S, params: unknown): z.infer<S> {
  const parsed = schema.safeParse(params);
  if (!parsed.success) throw new AppError('input/invalid', 'The address is not valid.', formatIssues(parsed.error));
  return parsed.data;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (error instanceof AppError) {
      if (error instanceof RateLimitedError) res.set('Retry-After', String(error.retryAfterSeconds));
      res.status(statusByCode[error.code] ?? 400).json({ error: error.toJSON() });
      return;
    }
    // body-parser's own errors (malformed JSON, too large) carry a 4xx status.
    const status = (error as { status?: number }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: { code: 'input/invalid', message: (error as Error).message } });
      return;
    }
    logger.error({ err: error }, 'request failed');
    res.status(500).json({ error: { code: 'server/internal', message: 'Something went wrong on the server.' } });
  };
}
