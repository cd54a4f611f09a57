import { z } from 'zod';

/** A password an instructor chooses (or is given once): long enough to matter, short enough to hash quickly. */
export const passwordSchema = z.string({ error: 'must be text' }).min(8, 'must be 8-200 characters').max(200, 'must be 8-200 characters');

/**
 * Sign-up of the first instructor, sign-in, and adding another instructor (then the password is a one-time
 * password): an e-mail and a password. E-mails are lower-cased, so they are unique whatever the case.
 */
export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254)),
  password: passwordSchema,
});
export type Credentials = z.infer<typeof credentialsSchema>;

/**
 * Changing one's own password. `currentPassword` proves it is the instructor at the keyboard; it may be left
 * out only right after signing in with a one-time password, when setting a new one is all the account can do.
 */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().max(200).optional(),
  newPassword: passwordSchema,
});
export type PasswordChange = z.infer<typeof passwordChangeSchema>;

/** The signed-in instructor as the pages see them. */
export interface InstructorIdentity {
  id: string;
  email: string;
  /** Signed in with a one-time password: nothing but setting a new password is allowed until then. */
  mustChangePassword: boolean;
  /** The clinic lead manages accounts and the shared library and reads every class. */
  role: 'lead' | 'instructor';
}

/** What `/api/auth/me` answers: whether anyone may still sign up, and who is signed in. */
export interface AuthStatus {
  hasAccounts: boolean;
  instructor: InstructorIdentity | null;
}
