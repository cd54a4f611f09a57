/**
 * The participant page's weight: the gzipped JS and CSS its HTML loads (entry, imported chunks, their CSS),
 * read from Vite's manifest after `npm run build`. The budget is 35 KB (PRODUCT.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
}

export const PARTICIPANT_BUDGET_BYTES = 35 * 1024;

/** Files the entry loads, each once. */
export function participantFiles(clientDir: string): string[] {
  const manifest = JSON.parse(readFileSync(join(clientDir, '.vite/manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
  const files = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || files.has(chunk.file)) return;
    files.add(chunk.file);
    chunk.css?.forEach((css) => files.add(css));
    chunk.imports?.forEach(visit);
  };
  visit('participant.html');
  return [...files];
}

export function gzippedBytes(clientDir: string, files: string[]): number {
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(join(clientDir, file)), { level: 9 }).length, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const clientDir = process.argv[2] ?? 'dist/client';
  const files = participantFiles(clientDir);
  for (const file of files) console.log(`${file}\t${gzippedBytes(clientDir, [file])} B gz`);
  const total = gzippedBytes(clientDir, files);
  console.log(`participant page: ${(total / 1024).toFixed(1)} KB gz of JS+CSS (budget ${PARTICIPANT_BUDGET_BYTES / 1024} KB)`);
}
