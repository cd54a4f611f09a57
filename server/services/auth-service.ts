/**
 * Instructor accounts and sessions: first-run sign-up, sign-in, the session behind a cookie, an instructor
 * adding another (with a one-time password) and changing their own password.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type { Credentials, InstructorIdentity, PasswordChange } from '../../shared/schemas/auth.js';
import type { SequenceInput } from '../../shared/schemas/sequence.js';
import type { Storage } from '../storage/storage.js';
import { createPasswordHasher, type PasswordHasher } from './passwords.js';

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** A new session: the secret goes into the cookie, only its hash into storage. */
export interface IssuedSession {
  secret: string;
  expiresAt: number;
}

/**
 * What the auth flow tells the transport when sessions end: their open sockets are disconnected, so a
 * signed-out tablet (or one signed out by a password change elsewhere) can no longer run the class. A port,
 * so this service knows nothing of sockets; the socket server implements it (across processes too).
 */
export interface SessionSockets {
  /** The session with this id hash has ended (sign-out). */
  sessionEnded(idHash: string): void;
  /** Every session of the instructor but `keepIdHash` has ended (a password change). */
  otherSessionsEnded(instructorId: string, keepIdHash: string): void;
  /** Every session of the account has ended (deactivated, or its password reset by the clinic lead). */
  accountEnded(instructorId: string): void;
}

export interface AuthServiceDeps {
  storage: Storage;
  starterSequences: SequenceInput[];
  /** Hashing through a small semaphore; one per app by default. */
  hasher?: PasswordHasher;
  sessionSockets?: SessionSockets;
}

export function createAuthService(deps: AuthServiceDeps) {
  const { storage } = deps;
  const hasher = deps.hasher ?? createPasswordHasher();
  const sessionSockets = deps.sessionSockets;
  // Verified against when the e-mail is unknown: the same cost as a wrong password for a known one.
  const unknownAccountHash = hasher.unmatchableHash();

  async function issueSession(instructorId: string, now: number): Promise<IssuedSession> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    await storage.sessions.create({ idHash: hashSecret(secret), instructorId, expiresAt });
    return { secret, expiresAt };
  }

  /** Whoever holds this session, also while their account still has a one-time password. */
  async function sessionHolder(secret: string | undefined, now: number): Promise<InstructorIdentity | null> {
    if (!secret) return null;
    const instructorId = await storage.sessions.find(hashSecret(secret), now);
    if (!instructorId) return null;
    const instructor = await storage.accounts.findById(instructorId);
    // A deactivated account's sessions end with it; this also covers one made on another process meanwhile.
    if (!instructor?.isActive) return null;
    return { id: instructor.id, email: instructor.email, mustChangePassword: instructor.mustChangePassword, role: instructor.role };
  }

  return {
    async hasAccounts(): Promise<boolean> {
      return (await storage.accounts.count()) > 0;
    },

    /** Creates the first account, the clinic lead (sign-up closes after it), with the clinic's starter library, and signs it in. */
    async signUpFirst(credentials: Credentials, now: number): Promise<IssuedSession> {
      // Closed is answered before any hashing: a flood of sign-ups against a set-up server costs a count each.
      if ((await storage.accounts.count()) > 0) throw signupClosed();
      const account = {
        id: randomUUID(),
        email: credentials.email,
        passwordHash: await hasher.hash(credentials.password),
        createdAt: now,
      };
      const created = await storage.accounts.create(account, [], { onlyIfFirst: true });
      if (!created) throw signupClosed();
      await storage.clinic.seedLibrary(created.id, deps.starterSequences, now);
      await storage.clinic.recordSignIn(created.id, now);
      return issueSession(created.id, now);
    },

    /**
     * Signs in. An unknown e-mail is verified against an unmatchable hash, so it takes as long as a wrong
     * password. A hash made with older scrypt parameters is replaced by one at today's (which, like a password
     * change, signs the account's other sessions out, once).
     */
    async signIn(credentials: Credentials, now: number): Promise<IssuedSession> {
      const instructor = await storage.accounts.findByEmail(credentials.email);
      const isMatch = await hasher.verify(credentials.password, instructor?.passwordHash ?? unknownAccountHash);
      if (!instructor || !isMatch) throw new AppError('auth/invalid_credentials', 'E-mail or password is wrong.');
      if (!instructor.isActive) throw new AppError('auth/deactivated', 'This account has been deactivated by the clinic lead.');
      await storage.clinic.recordSignIn(instructor.id, now);
      const session = await issueSession(instructor.id, now);
      if (hasher.needsRehash(instructor.passwordHash)) {
        const keepIdHash = hashSecret(session.secret);
        await storage.accounts.updatePassword(instructor.id, await hasher.hash(credentials.password), {
          mustChangePassword: instructor.mustChangePassword,
          keepSessionIdHash: keepIdHash,
        });
        sessionSockets?.otherSessionsEnded(instructor.id, keepIdHash);
      }
      return session;
    },

    /** Ends the session and disconnects its open sockets. */
    async signOut(secret: string): Promise<void> {
      const idHash = hashSecret(secret);
      await storage.sessions.delete(idHash);
      sessionSockets?.sessionEnded(idHash);
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
      const account = { id: randomUUID(), email: credentials.email, passwordHash: await hasher.hash(credentials.password), createdAt: now };
      const created = await storage.accounts.create(account, [], { onlyIfFirst: false, mustChangePassword: true });
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
      const instructor = await storage.accounts.findById(holder.id);
      if (!instructor) throw new AppError('auth/required', 'Sign in first.');
      if (!holder.mustChangePassword) {
        const isCurrent = await hasher.verify(change.currentPassword ?? '', instructor.passwordHash);
        if (!isCurrent) throw new AppError('auth/invalid_credentials', 'The current password is wrong.', ['currentPassword: is wrong']);
      }
      if (await hasher.verify(change.newPassword, instructor.passwordHash)) {
        throw new AppError('input/invalid', 'The new password must differ from the current one.', ['newPassword: must differ from the current password']);
      }
      const keepIdHash = hashSecret(secret);
      await storage.accounts.updatePassword(instructor.id, await hasher.hash(change.newPassword), {
        mustChangePassword: false,
        keepSessionIdHash: keepIdHash,
      });
      sessionSockets?.otherSessionsEnded(instructor.id, keepIdHash);
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;

function signupClosed(): AppError {
  return new AppError('auth/signup_closed', 'An account exists already: sign in instead.');
}

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
