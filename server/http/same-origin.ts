/**
 * CSRF protection for cookie-authenticated changes: besides SameSite=Lax, a state-changing request that says
 * where it comes from must come from this server's own origin. The Socket.IO handshake applies the same rule
 * (`isSameOrigin`), since a WebSocket is not bound by CORS: a page on another port of the same host could
 * otherwise drive the tablet's events with the instructor's cookie.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request's Origin header names the host it was sent to (with its port). No Origin at all (a
 * non-browser client, which carries no ambient cookie) passes; `null` or anything unparseable does not.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export const sameOriginOnly: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method) || isSameOrigin(req.headers.origin, req.headers.host)) return next();
  throw new AppError('auth/forbidden', 'Cross-origin requests are not allowed.');
};
