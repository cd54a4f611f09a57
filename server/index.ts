/** The entry: parse the configuration, open storage, serve, and close cleanly on SIGTERM or SIGINT. */
import { parseConfig } from './config.js';
import { createApp } from './app.js';
import { createLogger } from './logger.js';
import { loadStarterLibrary } from './starter-library.js';
import { openStorage } from './storage/open-storage.js';

async function main() {
  const config = parseConfig(process.env);
  const logger = createLogger(config.LOG_LEVEL);
  const storage = await openStorage({ dataDir: config.DATA_DIR });
  const app = createApp({ config, storage, logger, starterSequences: loadStarterLibrary() });

  await app.resumeTimers();
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
    await app.close();
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
