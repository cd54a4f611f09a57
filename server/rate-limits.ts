/**
 * Rate limits: how often one client may do a thing before it is answered `rate/limited` (HTTP 429) and told
 * when to try again. They stop a runaway script or a guesser, never a class: every limit counts per key (a join
 * code, a connection, a participant, an e-mail), so one limited client leaves everyone else untouched, and the
 * figures leave room for a class of 1,000 reconnecting at once after a restart.
 *
 * In memory by default. Given the process's Redis client (several processes), the limits whose key can reach
 * several processes (a code, a participant, an account) are counted in Redis, so a client cannot multiply its
 * allowance by landing on another process. A limiter never waits for Redis: while Redis is not ready it counts
 * in this process's memory instead (rate-limiter-flexible's insurance limiter). The limit per connection stays
 * in memory: a connection lives in one process.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppError } from '../shared/errors.js';

/** At most `points` actions per `durationSeconds`, counted per key. */
export interface RateLimitRule {
  points: number;
  durationSeconds: number;
}

/** Every limit, by what it counts. */
export interface RateLimitRules {
  /** Participants' handshakes into one class (per join code): a whole class reconnecting after a restart fits. */
  joinPerCode: RateLimitRule;
  /**
   * Handshakes on one connection (Socket.IO lets a client send many over one WebSocket): a real phone or tablet
   * makes one per connection, a script could make thousands, each a new participant.
   */
  joinPerConnection: RateLimitRule;
  /** One participant's messages (flags, their details and undo, alerts, feedback): a human pace, generous. */
  participantMessages: RateLimitRule;
  /**
   * Join attempts (a `/join/CODE` page or a participant's handshake) from one address: against guessing codes.
   * A whole room shares one router's address, so a class joining and reconnecting must fit.
   */
  joinPerAddress: RateLimitRule;
  /** Join attempts from everyone together: a guesser with many addresses still gets only this many. */
  joinGlobal: RateLimitRule;
  /**
   * Sign-in attempts to one account (e-mail) that go through at once, counted before the password is checked;
   * a successful sign-in clears the count. Past them, attempts are spaced by `signInDelay`.
   */
  signInFailures: RateLimitRule;
}

export type RateLimitName = keyof RateLimitRules;

/**
 * The progressive delay after an account's free attempts: the next attempt may come `baseSeconds` after the
 * last one, then twice that, and so on up to `maxSeconds`. Never a lockout: the owner who waits signs in.
 */
export interface SignInDelay {
  baseSeconds: number;
  maxSeconds: number;
}

export const defaultSignInDelay: SignInDelay = { baseSeconds: 1, maxSeconds: 60 };


export const defaultRateLimits: RateLimitRules = {
  joinPerCode: { points: 2000, durationSeconds: 60 },
  joinPerConnection: { points: 5, durationSeconds: 60 },
  participantMessages: { points: 30, durationSeconds: 10 },
  joinPerAddress: { points: 150, durationSeconds: 60 },
  joinGlobal: { points: 6000, durationSeconds: 60 },
  signInFailures: { points: 5, durationSeconds: 15 * 60 },
};

/** Whether a limit is counted in Redis when there is one (see the file's comment). */
const isShared: Record<RateLimitName, boolean> = {
  joinPerCode: true,
  joinPerConnection: false,
  participantMessages: true,
  joinPerAddress: true,
  joinGlobal: true,
  signInFailures: true,
};

export interface RateLimits {
  /** Counts one action of `key` against the limit; throws `rate/limited` when it is over. */
  consume(name: RateLimitName, key: string): Promise<void>;
  /**
   * Counts a join attempt (page or handshake) from a client address against the per-address and the global
   * limit. The address is a key in memory only (in Redis a hash of it, gone within a minute); never stored.
   */
  joinAttempt(address: string): Promise<void>;
  /**
   * Runs a sign-in attempt for an account. The attempt is counted first, atomically (in Redis when there is
   * one, so across processes): of a burst of simultaneous guesses only the free allowance and one more reach
   * the password check; the rest are refused `rate/limited` before any hashing. Past the free allowance an
   * attempt needs the account's next slot, which opens after a delay that doubles per attempt up to its
   * maximum. A success clears both.
   */
  signIn<T>(email: string, attempt: () => Promise<T>): Promise<T>;
}

export function createRateLimits(options: { redis?: Redis; rules?: Partial<RateLimitRules>; signInDelay?: SignInDelay } = {}): RateLimits {
  const rules = { ...defaultRateLimits, ...options.rules };
  const delay = options.signInDelay ?? defaultSignInDelay;
  const limiters = Object.fromEntries(
    (Object.keys(rules) as RateLimitName[]).map((name) => [name, limiterFor(name, rules[name], options.redis)]),
  ) as Record<RateLimitName, RateLimiterAbstract>;
  // One attempt per slot; each slot's length is chosen when it is taken (customDuration).
  const signInSlots = limiterFor('signInSlot', { points: 1, durationSeconds: delay.maxSeconds }, options.redis);

  async function consume(limiter: RateLimiterAbstract, key: string, consumeOptions?: { customDuration: number }): Promise<RateLimiterRes> {
    try {
      return await limiter.consume(key, 1, consumeOptions);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw limited(error.msBeforeNext);
      throw error;
    }
  }

  return {
    async consume(name, key) {
      await consume(limiters[name], key);
    },

    async joinAttempt(address) {
      await consume(limiters.joinGlobal, 'all');
      await consume(limiters.joinPerAddress, options.redis ? addressKey(address) : address);
    },

    async signIn(email, attempt) {
      const counted = await limiters.signInFailures.consume(email).catch((error: unknown) => {
        // Past the window's points the count still grows: the attempt number decides the delay.
        if (error instanceof RateLimiterRes) return error;
        throw error;
      });
      const beyond = counted.consumedPoints - rules.signInFailures.points;
      if (beyond > 0) {
        const seconds = Math.min(delay.maxSeconds, delay.baseSeconds * 2 ** (beyond - 1));
        await consume(signInSlots, email, { customDuration: Math.max(1, Math.ceil(seconds)) });
      }
      const result = await attempt();
      await Promise.all([limiters.signInFailures.delete(email), signInSlots.delete(email)]);
      return result;
    },
  };
}

function limiterFor(name: RateLimitName | 'signInSlot', rule: RateLimitRule, redis: Redis | undefined): RateLimiterAbstract {
  const options = { keyPrefix: `attune:rl:${name}`, points: rule.points, duration: rule.durationSeconds };
  const memory = new RateLimiterMemory(options);
  if (!redis || !(name === 'signInSlot' || isShared[name])) return memory;
  return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}

/** A Redis key for an address that does not spell it out. */
function addressKey(address: string): string {
  return createHash('sha256').update(`attune-join:${address}`).digest('base64url').slice(0, 22);
}

/** `rate/limited` with the wait in whole seconds, which HTTP answers send as Retry-After. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate/limited', `Too many attempts: try again in ${retryAfterSeconds} s.`);
  }
}

function limited(msBeforeNext: number): RateLimitedError {
  return new RateLimitedError(Math.max(1, Math.ceil(msBeforeNext / 1000)));
}
