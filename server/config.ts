/** The server's settings, read from the environment once and refused with a readable list. */
import { isIP } from 'node:net';
import { z } from 'zod';
import { DEFAULT_FEEDBACK_WINDOW_MS } from './domain/feedback-rules.js';
import { DEFAULT_MAX_PARTICIPANTS_PER_CLASS } from './domain/flag-rules.js';
import { DEFAULT_RETENTION_MS } from './services/retention.js';

const configSchema = z.object({
  /** TCP port to listen on; 0 picks a free one (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Address to bind; 0.0.0.0 so phones on the clinic's Wi-Fi reach the tablet's server. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Folder of the SQLite file. */
  DATA_DIR: z.string().min(1).default('data'),
  /** The address phones use, for the QR code (e.g. http://192.168.1.20:3000); else taken from the request. */
  PUBLIC_URL: z.url().optional(),
  /**
   * PostgreSQL instead of the SQLite file: what several processes need to share classes. A libpq-style
   * `options` parameter is honoured, e.g. `?options=-c%20search_path%3Dattune` to keep the tables in a schema.
   */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' }).optional(),
  /**
   * Redis, through which several server processes share their Socket.IO rooms (the redis-streams adapter), so
   * an instructor on one process reaches participants on another. No application state is kept there.
   */
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  /**
   * Which proxies' X-Forwarded-* headers to believe (Express's `trust proxy`): `true`, a hop count, or a comma
   * list of addresses, CIDR subnets or loopback/linklocal/uniquelocal. Behind a TLS-terminating proxy it makes
   * the session cookie Secure and the QR code's join address https. Off by default: a server that anyone
   * reaches directly must not take a client's word for its protocol.
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .refine(isTrustProxyValue, 'must be true, false, a hop count, or a comma list of addresses, CIDR subnets or loopback/linklocal/uniquelocal')
    .transform(toTrustProxySetting)
    .default(false),
  /**
   * Minutes after a class ends during which phones may still send feedback; a phone that reconnects within
   * them still gets the form. Fractions are allowed (tests use a short window).
   */
  FEEDBACK_WINDOW_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(DEFAULT_FEEDBACK_WINDOW_MS / 60_000),
  /**
   * Days raw flags are kept. A daily job (and one on start) archives older ones: what they add up to stays, so
   * summaries and trends show the same; the flags themselves are deleted.
   */
  RETENTION_DAYS: z.coerce
    .number()
    .positive()
    .max(100 * 365)
    .default(DEFAULT_RETENTION_MS / (24 * 60 * 60_000)),
  /**
   * Join attempts (`/join/CODE` pages and participants' handshakes) one address may make per minute, against
   * guessing join codes. A clinic's room shares one router's address: the whole class joining, reloading and
   * reconnecting must fit.
   */
  JOIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(150),
  /** Join attempts from all addresses together per minute (a guesser with many addresses). */
  JOIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  /**
   * Participants one class takes (a leaked code cannot fill a class without bound). The default is 15 times a
   * real group lesson; a hall that teaches more raises it (the bench runs its 1,000-participant class so).
   */
  MAX_PARTICIPANTS_PER_CLASS: z.coerce.number().int().positive().default(DEFAULT_MAX_PARTICIPANTS_PER_CLASS),
  /** Folder of the built client. */
  CLIENT_DIR: z.string().min(1).default('dist/client'),
  /**
   * `standard`: scrypt at OWASP's parameters (server/services/passwords.ts). `test-only-fast` is for test servers
   * (a hundredth of the work per hash); a server started with it warns in its log. Never for real accounts.
   */
  PASSWORD_HASHING: z.enum(['standard', 'test-only-fast']).default('standard'),
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
  return result.data;
}

const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isTrustProxyValue(value: string): boolean {
  if (value === 'true' || value === 'false' || /^\d+$/.test(value)) return true;
  return value.split(',').every((item) => isProxyAddress(item.trim()));
}

/** An address, a subnet (`10.0.0.0/8` or `10.0.0.0/255.0.0.0`) or one of proxy-addr's keywords. */
function isProxyAddress(item: string): boolean {
  if (PROXY_KEYWORDS.has(item)) return true;
  const [address = '', prefix, ...rest] = item.split('/');
  if (rest.length > 0 || isIP(address) === 0) return false;
  if (prefix === undefined) return true;
  const maxBits = isIP(address) === 4 ? 32 : 128;
  return (/^\d+$/.test(prefix) && Number(prefix) <= maxBits) || isIP(prefix) === isIP(address);
}

/** The value Express's `trust proxy` setting takes: a boolean, a hop count or the comma list itself. */
function toTrustProxySetting(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
