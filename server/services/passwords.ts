/**
 * Password hashing with scrypt from node:crypto. A hash is stored as `scrypt$N$r$p$salt$hash`, so its
 * parameters travel with it: a hash made with older (weaker) ones still verifies, and `needsRehash` tells the
 * sign-in to replace it with one at today's parameters.
 *
 * scrypt is deliberately expensive (about 16 MiB and a few hundred milliseconds of one core per hash), and it
 * runs on libuv's small thread pool, which file reads and DNS share. `createPasswordHasher` caps how many run at
 * once: more than a few at a time would only make every request of the server slow (a flood of sign-ups or
 * sign-ins at concurrency 64 took static files to 6-12 s). A server with every slot busy and a short queue
 * full answers `rate/limited` (HTTP 429) at once instead of queueing work it cannot do.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AppError } from '../../shared/errors.js';

/**
 * OWASP's Password Storage Cheat Sheet (2024) lists equivalent scrypt settings; N=2^14, r=8, p=5 is the one
 * that needs 16 MiB per hash instead of 128 MiB (N=2^17, p=1), which matters on a small clinic server with
 * two hashes running at once. The old setting was N=2^14, r=8, p=1.
 */
export const SCRYPT_PARAMS: ScryptParams = { N: 2 ** 14, r: 8, p: 5 };

/**
 * A hundredth of the work (≈ 4 ms instead of ≈ 340 ms of a core here), for test servers only
 * (`PASSWORD_HASHING=test-only-fast`): the suite signs up some 300 accounts, which at the real cost was a fifth
 * of its CPU. The way Rails' `has_secure_password` uses bcrypt's minimum cost in tests. A server started so says
 * it in its log; the sign-in security tests run at the real parameters.
 */
export const TEST_ONLY_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}
const KEY_LENGTH = 64;
/** scrypt needs 128·N·r bytes (16 MiB here); Node's default ceiling is 32 MiB, room for N=2^15 hashes too. */
const MAX_MEMORY = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** A new hash at today's parameters (or `params`). Uncapped: server code goes through a `PasswordHasher`. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, params);
  return format(params, salt, key);
}

/** Whether `password` is the one behind `stored`, at the parameters stored with it. Uncapped (see above). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** True when `stored` was made with other parameters than today's: the next successful sign-in replaces it. */
function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.params.N !== params.N || parsed.params.r !== params.r || parsed.params.p !== params.p;
}

function unmatchableHash(params: ScryptParams): string {
  return format(params, randomBytes(16), randomBytes(KEY_LENGTH));
}

function format(params: ScryptParams, salt: Buffer, key: Buffer): string {
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { params: ScryptParams; salt: Buffer; hash: Buffer } | null {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return null;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  if (![params.N, params.r, params.p].every((value) => Number.isInteger(value) && value > 0)) return null;
  return { params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** How many hashes may run at once, and how many may wait for a slot before the next is refused. */
export interface HashingLimits {
  concurrency: number;
  maxWaiting: number;
}

/** Two at once (the thread pool has four threads; file reads need the others), a short queue behind them. */
export const defaultHashingLimits: HashingLimits = { concurrency: 2, maxWaiting: 4 };

/** Hashing and verifying through a small semaphore, at one set of parameters: the only way server code hashes a password. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
  /** True when `stored` was made with other parameters than this hasher's: the next successful sign-in replaces it. */
  needsRehash(stored: string): boolean;
  /**
   * A well-formed hash at this hasher's parameters that no password matches: verifying against it costs exactly
   * what verifying a real account's hash costs, so an unknown e-mail answers as slowly as a known one with a
   * wrong password (account existence does not leak by timing).
   */
  unmatchableHash(): string;
}

export function createPasswordHasher(limits: HashingLimits = defaultHashingLimits, params: ScryptParams = SCRYPT_PARAMS): PasswordHasher {
  let running = 0;
  const waiting: (() => void)[] = [];

  async function withSlot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= limits.concurrency) {
      if (waiting.length >= limits.maxWaiting) throw new AppError('rate/limited', 'The server is busy: try again in 1 s.');
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line (running stays the same), or free it.
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  }

  return {
    hash: (password) => withSlot(() => hashPassword(password, params)),
    verify: (password, stored) => withSlot(() => verifyPassword(password, stored)),
    needsRehash: (stored) => needsRehash(stored, params),
    unmatchableHash: () => unmatchableHash(params),
  };
}
