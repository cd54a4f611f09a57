/**
 * CSRF protection for cookie-authenticated changes: besides SameSite=Lax, a state-changing request that says
 * where it comes from must come from this server's own origin.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin;
  if (SAFE_METHODS.has(req.method) || origin === undefined) return next();
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== req.headers.host) throw new AppError('auth/forbidden', 'Cross-origin requests are not allowed.');
  next();
};
