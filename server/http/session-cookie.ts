/** The instructor's session cookie: httpOnly, SameSite=Lax, Secure when the request came over TLS. */
import type { Response } from 'express';
import { SESSION_TTL_MS } from '../services/auth-service.js';

export const SESSION_COOKIE = 'attune_session';

/** The session secret from a Cookie header, if any; a malformed one (bad %-escapes) is no session. */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeCookieValue(rest.join('='));
  }
  return undefined;
}

function decodeCookieValue(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

export function setSessionCookie(res: Response, secret: string, isSecure: boolean): void {
  res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'lax', secure: isSecure, maxAge: SESSION_TTL_MS, path: '/' });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}
