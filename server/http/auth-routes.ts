/**
 * /api/auth: whether sign-up is open, first-run sign-up, sign-in, sign-out; and the accounts of a clinic's
 * instructors: adding another instructor, changing one's own password.
 */
import { Router } from 'express';
import { credentialsSchema, passwordChangeSchema, type AuthStatus } from '../../shared/schemas/auth.js';
import type { RateLimits } from '../rate-limits.js';
import type { AuthService } from '../services/auth-service.js';
import { parseBody } from './http-errors.js';
import { requireInstructor, requireLead } from './require-instructor.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';

/** `now`: the app's one clock. */
export function authRoutes(auth: AuthService, limits: RateLimits, now: () => number): Router {
  const router = Router();

  router.get('/me', async (req, res) => {
    const status: AuthStatus = {
      hasAccounts: await auth.hasAccounts(),
      instructor: await auth.sessionHolder(readSessionCookie(req.headers.cookie), now()),
    };
    res.json(status);
  });

  router.post('/signup', async (req, res) => {
    const session = await auth.signUpFirst(parseBody(credentialsSchema, req), now());
    setSessionCookie(res, session.secret, req.secure);
    res.status(201).json({ ok: true });
  });

  router.post('/signin', async (req, res) => {
    const credentials = parseBody(credentialsSchema, req);
    const session = await limits.signIn(credentials.email, () => auth.signIn(credentials, now()));
    setSessionCookie(res, session.secret, req.secure);
    res.json({ ok: true });
  });

  router.post('/signout', async (req, res) => {
    const secret = readSessionCookie(req.headers.cookie);
    if (secret) await auth.signOut(secret);
    clearSessionCookie(res);
    res.json({ ok: true });
  });

  // Also open to an account that still has its one-time password: replacing it is all such an account may do.
  router.post('/password', async (req, res) => {
    await auth.changePassword(readSessionCookie(req.headers.cookie), parseBody(passwordChangeSchema, req), now());
    res.json({ ok: true });
  });

  router.post('/instructors', requireInstructor(auth, now), requireLead, async (req, res) => {
    res.status(201).json(await auth.addInstructor(parseBody(credentialsSchema, req), now()));
  });

  return router;
}
