/** Middleware: the signed-in instructor, from the session cookie, on `res.locals.instructor`; else 401. */
import type { RequestHandler, Response } from 'express';
import { AppError } from '../../shared/errors.js';
import type { AuthService, SignedInInstructor } from '../services/auth-service.js';
import { readSessionCookie } from './session-cookie.js';

export type SignedIn = SignedInInstructor;

/** `now`: the app's one clock. */
export function requireInstructor(auth: AuthService, now: () => number): RequestHandler {
  return async (req, res, next) => {
    const instructor = await auth.instructorForSession(readSessionCookie(req.headers.cookie), now());
    if (!instructor) throw new AppError('auth/required', 'Sign in first.');
    res.locals.instructor = instructor;
    next();
  };
}

/** Only the clinic lead: anyone else is refused (403) after `requireInstructor`. */
export const requireLead: RequestHandler = (_req, res, next) => {
  if (signedIn(res).role !== 'lead') throw new AppError('auth/forbidden', 'Only the clinic lead may do this.');
  next();
};

export function signedIn(res: Response): SignedIn {
  return res.locals.instructor as SignedIn;
}
