/**
 * A real Attune server in this process: a fresh SQLite file in a temporary folder, port 0, the real starter
 * library. `close()` stops it and removes the folder. Options point it at PostgreSQL (a URL from
 * `createTestSchema()`, which the caller drops), at Redis, or behind a trusted proxy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { createApp, type App } from '../../server/app.js';
import type { Config } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import type { RateLimitRules, SignInDelay } from '../../server/rate-limits.js';

const UNLIMITED_JOINS: Partial<RateLimitRules> = {
  joinPerAddress: { points: 1_000_000, durationSeconds: 60 },
  joinGlobal: { points: 1_000_000, durationSeconds: 60 },
};
import { openRedis } from '../../server/redis-client.js';
import { loadStarterLibrary } from '../../server/starter-library.js';
import { openStorage } from '../../server/storage/open-storage.js';
import type { Storage } from '../../server/storage/storage.js';

export interface TestServer {
  url: string;
  storage: Storage;
  dataDir: string;
  /** Stops the server (connections dropped, storage closed) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Arms auto-advance timers from storage, as a starting server does. */
  startTimers(): Promise<void>;
  /** One run of the raw-flag retention job as of `now`. */
  runRetention(now: number): ReturnType<App['runRetention']>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** DATABASE_URL: PostgreSQL instead of the temporary SQLite file. */
  databaseUrl?: string;
  /** REDIS_URL: share rooms with other servers through Redis. */
  redisUrl?: string;
  /** TRUST_PROXY as Express takes it. */
  trustProxy?: Config['TRUST_PROXY'];
  /** Rate limits to use instead of the defaults (small ones make a limit quick to reach). */
  rateLimits?: Partial<RateLimitRules>;
  /** The progressive sign-in delay instead of the default. */
  signInDelay?: SignInDelay;
  /** Where the server logs; silent by default. */
  logger?: Logger;
  /** FEEDBACK_WINDOW_MINUTES: a short one lets a test see the window close. */
  feedbackWindowMinutes?: number;
  /** The clock every service reads instead of `Date.now` (a test moves it on rather than wait). */
  now?: () => number;
  /** MAX_PARTICIPANTS_PER_CLASS instead of the default. */
  maxParticipantsPerClass?: number;
  /**
   * PASSWORD_HASHING: `test-only-fast` unless a test is about the real cost (the suite signs up some 300
   * accounts; at the real cost that was a fifth of its CPU).
   */
  passwordHashing?: Config['PASSWORD_HASHING'];
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'attune-test-'));
  let running = await listen(dataDir, 0, options);
  const { port } = running.app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get storage() {
      return running.storage;
    },
    dataDir,
    startTimers: () => running.app.startTimers(),
    runRetention: (now) => running.app.runRetention(now),
    async restart() {
      await stop(running);
      running = await listen(dataDir, port, options);
      await running.app.startTimers();
    },
    async close() {
      await stop(running);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function listen(dataDir: string, port: number, options: TestServerOptions) {
  const logger = options.logger ?? createLogger('silent');
  const storage = await openStorage({ dataDir, databaseUrl: options.databaseUrl, logger });
  const redis = options.redisUrl ? await openRedis(options.redisUrl, logger) : undefined;
  const app = createApp({
    config: {
      CLIENT_DIR: testClientDir(),
      PUBLIC_URL: undefined,
      TRUST_PROXY: options.trustProxy ?? false,
      FEEDBACK_WINDOW_MINUTES: options.feedbackWindowMinutes,
      MAX_PARTICIPANTS_PER_CLASS: options.maxParticipantsPerClass,
      PASSWORD_HASHING: options.passwordHashing ?? 'test-only-fast',
    },
    storage,
    redis,
    logger,
    starterSequences: loadStarterLibrary(),
    // Every test client comes from 127.0.0.1: the per-address join limit is lifted unless a test sets it.
    rateLimits: { ...UNLIMITED_JOINS, ...options.rateLimits },
    signInDelay: options.signInDelay,
    now: options.now,
  });
  await new Promise<void>((resolve) => app.httpServer.listen(port, '127.0.0.1', resolve));
  return { app, storage, redis };
}

async function stop({ app, storage, redis }: Awaited<ReturnType<typeof listen>>) {
  await app.close();
  await storage.close();
  await redis?.quit();
}

/**
 * A small stand-in for the built client (the two pages with the marks the server fills in, and a stylesheet to
 * inline), never dist/: integration tests pass on a fresh clone before any build.
 */
export const STUB_CLIENT_DIR = fileURLToPath(new URL('./stub-client', import.meta.url));

function testClientDir(): string {
  return STUB_CLIENT_DIR;
}
