/**
 * The instructor's sequences: write, duplicate, delete, export and import. Every call names the instructor;
 * another instructor's sequence answers exactly like a missing one. A class runs its own snapshot of the cues
 * (taken when it opens), so nothing here changes a class.
 */
import { AppError } from '../../shared/errors.js';
import { formatIssues } from '../../shared/issues.js';
import {
  SEQUENCE_FORMAT,
  sequenceFileSchema,
  sequenceLimits,
  type Language,
  type Sequence,
  type SequenceFile,
  type SequenceInput,
  type SequenceListItem,
} from '../../shared/schemas/sequence.js';
import { loadStarterLibrary } from '../starter-library.js';
import type { Storage } from '../storage/storage.js';

/** What a duplicate's title gets, in the sequence's own language. */
const COPY_SUFFIX: Record<Language, string> = { cs: ' (kopie)', en: ' (copy)' };

export function createSequenceService(deps: { storage: Storage; starterLibrary?: SequenceInput[] }) {
  const { storage } = deps;
  let starterKeys: Set<string> | undefined;
  const starters = () => (starterKeys ??= new Set((deps.starterLibrary ?? loadStarterLibrary()).map(contentKey)));

  async function own(id: string, instructorId: string): Promise<Sequence> {
    const sequence = await storage.sequences.get(id, instructorId);
    if (!sequence) throw new AppError('sequence/not_found', 'No such sequence.');
    return sequence;
  }

  return {
    /** The instructor's sequences, each marked whether it is an unchanged copy of the starter library. */
    async list(instructorId: string): Promise<SequenceListItem[]> {
      const sequences = await storage.sequences.list(instructorId);
      return sequences.map((sequence) => ({ ...sequence, isStarter: starters().has(contentKey(sequence)) }));
    },

    own,

    create(instructorId: string, input: SequenceInput, now: number): Promise<Sequence> {
      return storage.sequences.create(instructorId, input, now);
    },

    /** Replaces the sequence whole: title, language and the cues in their new order. */
    async update(id: string, instructorId: string, input: SequenceInput, now: number): Promise<Sequence> {
      const updated = await storage.sequences.update(id, instructorId, input, now);
      if (!updated) throw new AppError('sequence/not_found', 'No such sequence.');
      return updated;
    },

    /** Deletes the sequence; its past classes and their summaries stay. */
    async remove(id: string, instructorId: string): Promise<void> {
      if (!(await storage.sequences.delete(id, instructorId))) throw new AppError('sequence/not_found', 'No such sequence.');
    },

    async duplicate(id: string, instructorId: string, now: number): Promise<Sequence> {
      const { title, language, cues } = await own(id, instructorId);
      return storage.sequences.create(instructorId, { title: copyTitle(title, language), language, cues }, now);
    },

    async exportFile(id: string, instructorId: string): Promise<SequenceFile> {
      const { title, language, cues } = await own(id, instructorId);
      return { format: SEQUENCE_FORMAT, title, language, cues };
    },

    /**
     * Imports a sequence file's text as a new sequence; a file with any problem writes nothing. A title the
     * instructor already has gets a number ("Neck (2)"), so the list never shows two alike.
     */
    async importFile(instructorId: string, text: string, now: number): Promise<Sequence> {
      const { format: _format, ...input } = parseSequenceFile(text);
      const titles = (await storage.sequences.list(instructorId)).map((s) => s.title);
      return storage.sequences.create(instructorId, { ...input, title: distinctTitle(input.title, titles) }, now);
    },
  };
}

export type SequenceService = ReturnType<typeof createSequenceService>;

/** Reads a sequence file, or refuses it naming every bad field (`cues[3].text: must be 1-280 characters`). */
export function parseSequenceFile(text: string): SequenceFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError('input/invalid', 'The file is not JSON. Export a sequence from Attune to see the format.');
  }
  const parsed = sequenceFileSchema.safeParse(json);
  if (!parsed.success) throw new AppError('input/invalid', 'The file is not a valid Attune sequence.', formatIssues(parsed.error));
  return parsed.data;
}

/** The title itself when no other has it, else "Title (2)", "Title (3)", …, shortened to fit 120 characters. */
export function distinctTitle(title: string, taken: string[]): string {
  const used = new Set(taken.map((t) => t.toLocaleLowerCase()));
  if (!used.has(title.toLocaleLowerCase())) return title;
  // An imported "Neck (2)" next to "Neck" counts on from "Neck", not to "Neck (2) (2)".
  const base = title.replace(/ \(\d+\)$/, '');
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = base.slice(0, sequenceLimits.titleMax - suffix.length).trimEnd() + suffix;
    if (!used.has(candidate.toLocaleLowerCase())) return candidate;
  }
}

/** What makes two sequences the same content: title, language and the cues as written. */
function contentKey(sequence: SequenceInput): string {
  return JSON.stringify([
    sequence.title,
    sequence.language,
    sequence.cues.map((c) => [c.text, c.note ?? '', [...c.regions].sort(), c.durationSeconds ?? null]),
  ]);
}

/** "Title (copy)", shortening the title so the result still fits. */
export function copyTitle(title: string, language: Language): string {
  const suffix = COPY_SUFFIX[language];
  return title.slice(0, sequenceLimits.titleMax - suffix.length).trimEnd() + suffix;
}
