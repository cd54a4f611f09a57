/** The entry: parse the configuration, open storage, serve, and close cleanly on SIGTERM or SIGINT. */
import { parseConfig } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { openRedis } from './redis-client.js';
import { loadStarterLibrary } from './starter-library.js';
import { openStorage } from './storage/open-storage.js';

/** Time a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

async function main() {
  const config = parseConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const storage = await openStorage({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger });
  const redis = config.REDIS_URL ? await openRedis(config.REDIS_URL, logger) : undefined;
  const rateLimits = {
    joinPerAddress: { points: config.JOIN_ATTEMPTS_PER_ADDRESS_PER_MINUTE, durationSeconds: 60 },
    joinGlobal: { points: config.JOIN_ATTEMPTS_PER_MINUTE, durationSeconds: 60 },
  };
  const app = createApp({ config, storage, redis, logger, starterSequences: loadStarterLibrary(), rateLimits });

  await app.seedLibrary();
  await app.startTimers();
  app.httpServer.listen(config.PORT, config.HOST, () => {
    const address = app.httpServer.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ port }, `Attune is listening on http://localhost:${port}`);
  });

  let isClosing = false;
  const shutdown = async (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    logger.info({ signal }, 'shutting down');
    // A shutdown that hangs (a stuck connection, an unreachable database) must not keep the process alive.
    setTimeout(() => process.exit(1), SHUTDOWN_TIMEOUT_MS).unref();
    await app.close();
    await redis?.quit();
    await storage.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
