/**
 * A real Attune server in this process: a fresh SQLite file in a temporary folder, port 0, the real starter
 * library. `close()` stops it and removes the folder.
 */
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../server/app.js';
import { createLogger } from '../../server/logger.js';
import { loadStarterLibrary } from '../../server/starter-library.js';
import { openStorage } from '../../server/storage/open-storage.js';
import type { Storage } from '../../server/storage/storage.js';

export interface TestServer {
  url: string;
  storage: Storage;
  dataDir: string;
  /** Re-arms auto-advance timers from storage, as a starting server does. */
  resumeTimers(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'attune-test-'));
  const storage = await openStorage({ dataDir });
  const app = createApp({
    config: { CLIENT_DIR: testClientDir(), PUBLIC_URL: undefined },
    storage,
    logger: createLogger('silent'),
    starterSequences: loadStarterLibrary(),
  });
  await new Promise<void>((resolve) => app.httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = app.httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    storage,
    dataDir,
    resumeTimers: () => app.resumeTimers(),
    async close() {
      await app.close();
      await storage.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The built client when there is one; else a stub pair of pages, so API tests need no build. */
function testClientDir(): string {
  if (existsSync('dist/client/participant.html')) return 'dist/client';
  const dir = join(tmpdir(), 'attune-test-client');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'participant.html'), '<!doctype html><title>p</title><!--attune-initial-state-->');
  writeFileSync(join(dir, 'instructor.html'), '<!doctype html><title>i</title>');
  return dir;
}
