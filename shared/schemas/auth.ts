import { z } from 'zod';

/** Sign-up of the first instructor and sign-in: an e-mail and a password. */
export const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254)),
  password: z.string().min(8).max(200),
});
export type Credentials = z.infer<typeof credentialsSchema>;

/** What `/api/auth/me` answers: whether anyone may still sign up, and who is signed in. */
export interface AuthStatus {
  hasAccounts: boolean;
  instructor: { id: string; email: string } | null;
}
