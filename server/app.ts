/**
 * The composition root: storage, services, HTTP and Socket.IO wired together. No module globals: tests start
 * as many apps as they like, each on its own port and data folder.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import express from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { SequenceInput } from '../shared/schemas/sequence.js';
import type { Config } from './config.js';
import { authRoutes } from './http/auth-routes.js';
import { classRoutes } from './http/class-routes.js';
import { errorHandler } from './http/http-errors.js';
import { pageRoutes } from './http/pages.js';
import { requireInstructor } from './http/require-instructor.js';
import { sameOriginOnly } from './http/same-origin.js';
import { sequenceRoutes } from './http/sequence-routes.js';
import { createSocketServer } from './realtime/socket-server.js';
import { createAuthService } from './services/auth-service.js';
import { createClassService } from './services/class-service.js';
import type { Storage } from './storage/storage.js';

export interface AppDeps {
  config: Pick<Config, 'PUBLIC_URL' | 'CLIENT_DIR'>;
  storage: Storage;
  logger: Logger;
  starterSequences: SequenceInput[];
}

export interface App {
  httpServer: HttpServer;
  /** Re-arms auto-advance timers of classes that were running when the server stopped. */
  resumeTimers(): Promise<void>;
  close(): Promise<void>;
}

export function createApp(deps: AppDeps): App {
  const { storage, logger, config } = deps;
  const app = express();
  const httpServer = createServer(app);
  const auth = createAuthService({ storage, starterSequences: deps.starterSequences });
  const sockets = createSocketServer(httpServer, { storage, auth, logger });
  const classes = createClassService({ storage, broadcaster: sockets.broadcaster });
  sockets.bind(classes);

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
  app.use('/api', express.json({ limit: '64kb' }), sameOriginOnly);
  app.use('/api/auth', authRoutes(auth));
  app.use('/api/sequences', requireInstructor(auth), sequenceRoutes(storage));
  app.use('/api/classes', requireInstructor(auth), classRoutes(classes, config.PUBLIC_URL));
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: { code: 'input/invalid', message: 'No such API route.' } });
  });
  app.use(pageRoutes(config.CLIENT_DIR, storage));
  app.use(errorHandler(logger));

  return {
    httpServer,
    resumeTimers: () => classes.resumeTimers(),
    async close() {
      classes.stopTimers();
      sockets.broadcaster.stop();
      await sockets.io.close(); // also closes httpServer
    },
  };
}
