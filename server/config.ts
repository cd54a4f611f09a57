/** The server's settings, read from the environment once and refused with a readable list. */
import { z } from 'zod';

const configSchema = z.object({
  /** TCP port to listen on; 0 picks a free one (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind; 0.0.0.0 so phones on the clinic's Wi-Fi reach the tablet's server. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Folder of the SQLite file. */
  DATA_DIR: z.string().min(1).default('data'),
  /** The address phones use, for the QR code (e.g. http://192.168.1.20:3000); else taken from the request. */
  PUBLIC_URL: z.url().optional(),
  /** PostgreSQL instead of SQLite (not yet supported: see README). */
  DATABASE_URL: z.string().optional(),
  /** Redis for several processes (not yet supported: see README). */
  REDIS_URL: z.string().optional(),
  /** Folder of the built client. */
  CLIENT_DIR: z.string().min(1).default('dist/client'),
  /** pino level; `silent` in tests. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Parses the environment; throws one message listing every bad setting. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (result.data.DATABASE_URL || result.data.REDIS_URL) {
    throw new Error('Invalid configuration:\n  DATABASE_URL / REDIS_URL: PostgreSQL and Redis are not supported yet; unset them to use SQLite.');
  }
  return result.data;
}
