/** Instructor accounts and sessions: first-run sign-up, sign-in, the session behind a cookie. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Credentials } from '../../shared/schemas/auth.js';
import type { SequenceInput } from '../../shared/schemas/sequence.js';
import type { Storage } from '../storage/storage.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A new session: the secret goes into the cookie, only its hash into storage. */
export interface IssuedSession {
  secret: string;
  expiresAt: number;
}

export function createAuthService(deps: { storage: Storage; starterSequences: SequenceInput[] }) {
  const { storage } = deps;

  async function issueSession(instructorId: string, now: number): Promise<IssuedSession> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    await storage.createSession({ idHash: hashSecret(secret), instructorId, expiresAt });
    return { secret, expiresAt };
  }

  return {
    async hasAccounts(): Promise<boolean> {
      return (await storage.countInstructors()) > 0;
    },

    /** Creates the first account (sign-up closes after it) with the starter library, and signs it in. */
    async signUpFirst(credentials: Credentials, now: number): Promise<IssuedSession> {
      const account = {
        id: randomUUID(),
        email: credentials.email,
        passwordHash: await hashPassword(credentials.password),
        createdAt: now,
      };
      const created = await storage.createInstructor(account, deps.starterSequences, { onlyIfFirst: true });
      if (!created) throw new AppError('auth/signup_closed', 'An account exists already: sign in instead.');
      return issueSession(created.id, now);
    },

    async signIn(credentials: Credentials, now: number): Promise<IssuedSession> {
      const instructor = await storage.findInstructorByEmail(credentials.email);
      const isValid = instructor !== null && (await verifyPassword(credentials.password, instructor.passwordHash));
      if (!instructor || !isValid) throw new AppError('auth/invalid_credentials', 'E-mail or password is wrong.');
      return issueSession(instructor.id, now);
    },

    async signOut(secret: string): Promise<void> {
      await storage.deleteSession(hashSecret(secret));
    },

    /** The signed-in instructor behind a cookie's secret, or null. */
    async instructorForSession(secret: string | undefined, now: number): Promise<{ id: string; email: string } | null> {
      if (!secret) return null;
      const instructorId = await storage.findSession(hashSecret(secret), now);
      if (!instructorId) return null;
      const instructor = await storage.findInstructorById(instructorId);
      return instructor ? { id: instructor.id, email: instructor.email } : null;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** Sessions are stored by the hash of their secret, so a leaked database signs nobody in. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
