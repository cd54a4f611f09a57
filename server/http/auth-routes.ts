/** /api/auth: whether sign-up is open, first-run sign-up, sign-in, sign-out. */
import { Router } from 'express';
import { credentialsSchema, type AuthStatus } from '../../shared/schemas/auth.js';
import type { AuthService } from '../services/auth-service.js';
import { parseBody } from './http-errors.js';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.js';

export function authRoutes(auth: AuthService): Router {
  const router = Router();

  router.get('/me', async (req, res) => {
    const status: AuthStatus = {
      hasAccounts: await auth.hasAccounts(),
      instructor: await auth.instructorForSession(readSessionCookie(req.headers.cookie), Date.now()),
    };
    res.json(status);
  });

  router.post('/signup', async (req, res) => {
    const session = await auth.signUpFirst(parseBody(credentialsSchema, req), Date.now());
    setSessionCookie(res, session.secret, req.secure);
    res.status(201).json({ ok: true });
  });

  router.post('/signin', async (req, res) => {
    const session = await auth.signIn(parseBody(credentialsSchema, req), Date.now());
    setSessionCookie(res, session.secret, req.secure);
    res.json({ ok: true });
  });

  router.post('/signout', async (req, res) => {
    const secret = readSessionCookie(req.headers.cookie);
    if (secret) await auth.signOut(secret);
    clearSessionCookie(res);
    res.json({ ok: true });
  });

  return router;
}
