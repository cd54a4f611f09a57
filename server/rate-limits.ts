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
  /** Failed sign-ins to one account (e-mail), against password guessing; a successful sign-in clears them. */
  signInFailures: RateLimitRule;
}

export type RateLimitName = keyof RateLimitRules;

export const defaultRateLimits: RateLimitRules = {
  joinPerCode: { points: 2000, durationSeconds: 60 },
  joinPerConnection: { points: 5, durationSeconds: 60 },
  participantMessages: { points: 30, durationSeconds: 10 },
  signInFailures: { points: 10, durationSeconds: 15 * 60 },
};

/** Whether a limit is counted in Redis when there is one (see the file's comment). */
const isShared: Record<RateLimitName, boolean> = {
  joinPerCode: true,
  joinPerConnection: false,
  participantMessages: true,
  signInFailures: true,
};

export interface RateLimits {
  /** Counts one action of `key` against the limit; throws `rate/limited` when it is over. */
  consume(name: RateLimitName, key: string): Promise<void>;
  /**
   * Runs a sign-in attempt for an account: refused while the account has had too many failed attempts; a
   * failure (`auth/invalid_credentials`) counts, a success clears the count.
   */
  signIn<T>(email: string, attempt: () => Promise<T>): Promise<T>;
}

export function createRateLimits(options: { redis?: Redis; rules?: Partial<RateLimitRules> } = {}): RateLimits {
  const rules = { ...defaultRateLimits, ...options.rules };
  const limiters = Object.fromEntries(
    (Object.keys(rules) as RateLimitName[]).map((name) => [name, limiterFor(name, rules[name], options.redis)]),
  ) as Record<RateLimitName, RateLimiterAbstract>;

  return {
    async consume(name, key) {
      try {
        await limiters[name].consume(key);
      } catch (error) {
        if (error instanceof RateLimiterRes) throw limited(error.msBeforeNext);
        throw error;
      }
    },

    async signIn(email, attempt) {
      const failures = limiters.signInFailures;
      const seen = await failures.get(email);
      if (seen && seen.consumedPoints >= rules.signInFailures.points) throw limited(seen.msBeforeNext);
      try {
        const result = await attempt();
        await failures.delete(email);
        return result;
      } catch (error) {
        if (error instanceof AppError && error.code === 'auth/invalid_credentials') await failures.penalty(email);
        throw error;
      }
    },
  };
}

function limiterFor(name: RateLimitName, rule: RateLimitRule, redis: Redis | undefined): RateLimiterAbstract {
  const options = { keyPrefix: `attune:rl:${name}`, points: rule.points, duration: rule.durationSeconds };
  const memory = new RateLimiterMemory(options);
  if (!redis || !isShared[name]) return memory;
  return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter: memory });
}

function limited(msBeforeNext: number): AppError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError('rate/limited', `Too many attempts: try again in ${seconds} s.`);
}
