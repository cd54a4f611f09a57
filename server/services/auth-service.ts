/**
 * Instructor accounts and sessions: first-run sign-up, sign-in, the session behind a cookie, an instructor
 * adding another (with a one-time password) and changing their own password.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Credentials, InstructorIdentity, PasswordChange } from '../../shared/schemas/auth.js';
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

  /** Whoever holds this session, also while their account still has a one-time password. */
  async function sessionHolder(secret: string | undefined, now: number): Promise<InstructorIdentity | null> {
    if (!secret) return null;
    const instructorId = await storage.findSession(hashSecret(secret), now);
    if (!instructorId) return null;
    const instructor = await storage.findInstructorById(instructorId);
    // A deactivated account's sessions end with it; this also covers one made on another process meanwhile.
    if (!instructor?.isActive) return null;
    return { id: instructor.id, email: instructor.email, mustChangePassword: instructor.mustChangePassword, role: instructor.role };
  }

  return {
    async hasAccounts(): Promise<boolean> {
      return (await storage.countInstructors()) > 0;
    },

    /** Creates the first account, the clinic lead (sign-up closes after it), with the clinic's starter library, and signs it in. */
    async signUpFirst(credentials: Credentials, now: number): Promise<IssuedSession> {
      const account = {
        id: randomUUID(),
        email: credentials.email,
        passwordHash: await hashPassword(credentials.password),
        createdAt: now,
      };
      const created = await storage.createInstructor(account, [], { onlyIfFirst: true });
      if (!created) throw new AppError('auth/signup_closed', 'An account exists already: sign in instead.');
      await storage.clinic.seedLibrary(created.id, deps.starterSequences, now);
      return issueSession(created.id, now);
    },

    async signIn(credentials: Credentials, now: number): Promise<IssuedSession> {
      const instructor = await storage.findInstructorByEmail(credentials.email);
      const isValid = instructor !== null && (await verifyPassword(credentials.password, instructor.passwordHash));
      if (!instructor || !isValid) throw new AppError('auth/invalid_credentials', 'E-mail or password is wrong.');
      if (!instructor.isActive) throw new AppError('auth/deactivated', 'This account has been deactivated by the clinic lead.');
      await storage.clinic.recordSignIn(instructor.id, now);
      return issueSession(instructor.id, now);
    },

    async signOut(secret: string): Promise<void> {
      await storage.deleteSession(hashSecret(secret));
    },

    sessionHolder,

    /**
     * The signed-in instructor behind a cookie's secret, or null; refused while the account still has a
     * one-time password (all it may do then is set its own, through `changePassword`).
     */
    async instructorForSession(secret: string | undefined, now: number): Promise<SignedInInstructor | null> {
      const holder = await sessionHolder(secret, now);
      if (!holder) return null;
      if (holder.mustChangePassword) throw new AppError('auth/forbidden', 'Set your own password first.');
      return { id: holder.id, email: holder.email, role: holder.role };
    },

    /**
     * The lead adds a colleague: the account gets a one-time password that must be replaced at its first
     * sign-in (the clinic's library is shared, so it gets no sequences of its own).
     */
    async addInstructor(credentials: Credentials, now: number): Promise<{ id: string; email: string }> {
      const account = { id: randomUUID(), email: credentials.email, passwordHash: await hashPassword(credentials.password), createdAt: now };
      const created = await storage.createInstructor(account, [], { onlyIfFirst: false, mustChangePassword: true });
      if (!created) throw new AppError('input/invalid', 'This e-mail has an account already.', ['email: has an account already']);
      return { id: created.id, email: created.email };
    },

    /**
     * Sets the session holder's own password and signs out their other sessions. The current password is
     * required, except to replace a one-time password right after signing in with it.
     */
    async changePassword(secret: string | undefined, change: PasswordChange, now: number): Promise<void> {
      const holder = await sessionHolder(secret, now);
      if (!secret || !holder) throw new AppError('auth/required', 'Sign in first.');
      const instructor = await storage.findInstructorById(holder.id);
      if (!instructor) throw new AppError('auth/required', 'Sign in first.');
      if (!holder.mustChangePassword) {
        const isCurrent = await verifyPassword(change.currentPassword ?? '', instructor.passwordHash);
        if (!isCurrent) throw new AppError('auth/invalid_credentials', 'The current password is wrong.', ['currentPassword: is wrong']);
      }
      if (await verifyPassword(change.newPassword, instructor.passwordHash)) {
        throw new AppError('input/invalid', 'The new password must differ from the current one.', ['newPassword: must differ from the current password']);
      }
      await storage.updatePassword(instructor.id, await hashPassword(change.newPassword), {
        mustChangePassword: false,
        keepSessionIdHash: hashSecret(secret),
      });
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

/** A signed-in instructor whose one-time password, if any, has been replaced. */
export interface SignedInInstructor {
  id: string;
  email: string;
  role: 'lead' | 'instructor';
}

/** Sessions are stored by the hash of their secret, so a leaked database signs nobody in. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}
