/**
 * The composition root: storage, services, HTTP and Socket.IO wired together. No module globals: tests start
 * as many apps as they like, each on its own port and data folder.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SequenceInput } from '../shared/schemas/sequence.js';
import type { Config } from './config.js';
import { authRoutes } from './http/auth-routes.js';
import { classRoutes } from './http/class-routes.js';
import { errorHandler } from './http/http-errors.js';
import { pageRoutes } from './http/pages.js';
import { clinicRoutes } from './http/clinic-routes.js';
import { libraryRoutes } from './http/library-routes.js';
import { requireInstructor } from './http/require-instructor.js';
import { sameOriginOnly } from './http/same-origin.js';
import { sequenceRoutes } from './http/sequence-routes.js';
import { summaryRoutes } from './http/summary-routes.js';
import { createRateLimits, type RateLimitRules, type SignInDelay } from './rate-limits.js';
import type { TrustProxy } from './realtime/handshake-guard.js';
import { createSessionSockets } from './realtime/session-rooms.js';
import { createSocketBroadcaster } from './realtime/socket-broadcaster.js';
import { attachSocketHandlers, createSocketIo } from './realtime/socket-server.js';
import { createAuthService } from './services/auth-service.js';
import { createClassService } from './services/class-service.js';
import { createLiveView } from './services/live-view.js';
import { createClinicService } from './services/clinic-service.js';
import { createPasswordHasher, defaultHashingLimits, SCRYPT_PARAMS, TEST_ONLY_SCRYPT_PARAMS } from './services/passwords.js';
import { createRetentionJob, DEFAULT_RETENTION_MS, type RetentionResult } from './services/retention.js';
import { createSequenceService } from './services/sequence-service.js';
import { createSummaryService } from './services/summary-service.js';
import type { Storage } from './storage/storage.js';

export interface AppDeps {
  /** The feedback window and retention default to the configuration's defaults when left out. */
  config: Pick<Config, 'PUBLIC_URL' | 'CLIENT_DIR' | 'TRUST_PROXY'> &
    Partial<Pick<Config, 'FEEDBACK_WINDOW_MINUTES' | 'RETENTION_DAYS' | 'MAX_PARTICIPANTS_PER_CLASS' | 'PASSWORD_HASHING'>>;
  storage: Storage;
  logger: Logger;
  /** Set when several processes serve together (REDIS_URL); the caller opened it and closes it after `close()`. */
  redis?: Redis;
  starterSequences: SequenceInput[];
  /** Replaces some of the default rate limits (server/rate-limits.ts); tests use small ones. */
  rateLimits?: Partial<RateLimitRules>;
  /** The one clock every service reads (epoch ms); `Date.now` unless a test fixes it. */
  now?: () => number;
  /** Replaces the default progressive sign-in delay (server/rate-limits.ts). */
  signInDelay?: SignInDelay;
}

export interface App {
  httpServer: HttpServer;
  /** Arms the auto-advance timers of running classes from storage, and keeps sweeping for them. */
  startTimers(): Promise<void>;
  /** Gives an installation from before the clinic library its library (once; later calls change nothing). */
  seedLibrary(): Promise<void>;
  /** One retention run as of `now` (it also runs on start and daily by itself). */
  runRetention(now?: number): Promise<RetentionResult>;
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const { storage, logger, config } = deps;
  const now = deps.now ?? Date.now;
  const app = express();
  const httpServer = createServer(app);
  // One pass: transport → broadcaster → services → handlers.
  const io = createSocketIo(httpServer, deps.redis);
  const broadcaster = createSocketBroadcaster(io);
  const sessionSockets = createSessionSockets(io);
  const isTestOnlyHashing = config.PASSWORD_HASHING === 'test-only-fast';
  if (isTestOnlyHashing) logger.warn('PASSWORD_HASHING=test-only-fast: passwords are hashed at a test cost, never use it for real accounts');
  const hasher = createPasswordHasher(defaultHashingLimits, isTestOnlyHashing ? TEST_ONLY_SCRYPT_PARAMS : SCRYPT_PARAMS);
  const auth = createAuthService({ storage, starterSequences: deps.starterSequences, sessionSockets, hasher });
  const limits = createRateLimits({ redis: deps.redis, rules: deps.rateLimits, signInDelay: deps.signInDelay });
  const live = createLiveView({ storage, broadcaster, now, onError: (err) => logger.error({ err }, 'broadcast failed'), isOnlyProcess: !deps.redis });
  // Behind a TLS proxy: req.secure and req.protocol from X-Forwarded-Proto (Secure cookie, https join URL); the
  // socket handshake reads a phone's address through the same rule.
  app.set('trust proxy', config.TRUST_PROXY);
  const trustProxy = (app.settings as Record<string, unknown>)['trust proxy fn'] as TrustProxy;
  const feedbackWindowMs = config.FEEDBACK_WINDOW_MINUTES === undefined ? undefined : config.FEEDBACK_WINDOW_MINUTES * 60_000;
  const classes = createClassService({
    storage,
    live,
    now,
    feedbackWindowMs,
    maxParticipants: config.MAX_PARTICIPANTS_PER_CLASS,
    onTimerError: (err) => logger.error({ err }, 'class timer failed'),
  });
  const sockets = attachSocketHandlers(io, { classes, live, auth, limits, logger, now, trustProxy });
  const summaries = createSummaryService({ storage, now });
  const clinic = createClinicService({ storage, auth, hasher, endSockets: sessionSockets.accountEnded, now });
  const retentionMs = config.RETENTION_DAYS === undefined ? DEFAULT_RETENTION_MS : config.RETENTION_DAYS * 24 * 60 * 60_000;
  const retention = createRetentionJob({ storage, retentionMs, logger, now });
  retention.start();

  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // Phones reach the server over plain HTTP on the clinic's LAN; upgrading would blank the page.
          upgradeInsecureRequests: null,
          imgSrc: ["'self'", 'data:'],
        },
      },
    }),
  );
  app.get('/healthz', async (_req, res) => {
    try {
      await storage.ping();
      res.json({ status: 'ok' });
    } catch (err) {
      logger.error({ err }, 'health check failed');
      res.status(503).json({ status: 'unavailable' });
    }
  });
  // A sequence file may be up to 1 MB: that router parses its own bodies, so it comes before the 64 KB parser.
  app.use('/api/sequences', sameOriginOnly, requireInstructor(auth, now), sequenceRoutes(createSequenceService({ storage }), now));
  app.use('/api', express.json({ limit: '64kb' }), sameOriginOnly);
  app.use('/api/auth', authRoutes(auth, limits, now));
  // Before the classes router, so a summary request is authenticated once; each of its routes requires sign-in.
  app.use('/api', summaryRoutes(summaries, requireInstructor(auth, now)));
  app.use('/api/classes', requireInstructor(auth, now), classRoutes(classes, config.PUBLIC_URL));
  app.use('/api/clinic', requireInstructor(auth, now), clinicRoutes(clinic));
  app.use('/api/library', requireInstructor(auth, now), libraryRoutes(clinic));
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'api/not_found', message: 'No such API route.' } });
  });
  app.use(pageRoutes(config.CLIENT_DIR, classes, limits));
  app.use(errorHandler(logger));

  return {
    httpServer,
    startTimers: () => classes.startTimers(),
    seedLibrary: () => clinic.seedLibrary(deps.starterSequences),
    runRetention: (now) => retention.runOnce(now),
    async close() {
      retention.stop();
      classes.stopTimers();
      live.stop();
      const closed = io.close(); // also stops the HTTP server accepting
      // Keep-alive connections of browsers would hold the close open; every request has been answered by now.
      httpServer.closeAllConnections();
      await closed;
      // What clients started before their sockets closed finishes its writes while storage is still open.
      await sockets.drain();
    },
  };
}
