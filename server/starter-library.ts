/**
 * The starter library every new instructor gets: sequence files in `server/starter-library/`, Czech and
 * English, validated like an import. A broken file stops the server at start, not at a sign-up.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sequenceFileSchema, type SequenceInput } from '../shared/schemas/sequence.js';

const LIBRARY_DIR = join(import.meta.dirname, 'starter-library');

/** The library's sequences, in file-name order: each theme in Czech, then in English. */
export function loadStarterLibrary(dir = LIBRARY_DIR): SequenceInput[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const parsed = sequenceFileSchema.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (!parsed.success) throw new Error(`Starter sequence ${name} is invalid: ${parsed.error.message}`);
      const { format: _format, ...sequence } = parsed.data;
      return sequence;
    });
}
