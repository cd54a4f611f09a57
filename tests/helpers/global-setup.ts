/** Vitest's global setup: runs once before every test file. */
import { bundleServer } from './server-bundle.js';

export async function setup(): Promise<void> {
  await bundleServer();
}
