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
} from '../../shared/schemas/sequence.js';
import { canEditSequence, canRetireSequence, canUseSequence, type Viewer } from '../domain/clinic-rules.js';
import type { SequenceRecord, Storage } from '../storage/storage.js';

/** What a duplicate's title gets, in the sequence's own language. */
const COPY_SUFFIX: Record<Language, string> = { cs: ' (kopie)', en: ' (copy)' };

export function createSequenceService(deps: { storage: Storage }) {
  const { storage } = deps;

  /** A sequence the viewer may use (their own, or the library's), or not_found exactly like a missing one. */
  async function usable(id: string, viewer: Viewer): Promise<SequenceRecord> {
    const sequence = await storage.clinic.findSequence(id);
    if (!sequence || !canUseSequence(sequence, viewer)) throw new AppError('sequence/not_found', 'No such sequence.');
    return sequence;
  }

  return {
    /** The instructor's own sequences (the clinic's library is listed apart, under /api/library). */
    list(instructorId: string): Promise<Sequence[]> {
      return storage.sequences.list(instructorId);
    },

    /** Reads one the viewer may use: their own, or a library sequence (what the editor and the export read). */
    async read(id: string, viewer: Viewer): Promise<Sequence> {
      return plain(await usable(id, viewer));
    },

    create(instructorId: string, input: SequenceInput, now: number): Promise<Sequence> {
      return storage.sequences.create(instructorId, input, now);
    },

    /** Replaces the sequence whole: title, language and the cues in their new order (a library one only as the lead). */
    async update(id: string, viewer: Viewer, input: SequenceInput, now: number): Promise<Sequence> {
      const sequence = await usable(id, viewer);
      if (!canEditSequence(sequence, viewer)) throw new AppError('auth/forbidden', 'Take a copy of a library sequence to change it.');
      const updated = sequence.isLibrary
        ? await storage.clinic.updateLibrarySequence(id, input, now)
        : await storage.sequences.update(id, viewer.id, input, now);
      if (!updated) throw new AppError('sequence/not_found', 'No such sequence.');
      return plain(updated);
    },

    /** Deletes one's own sequence (its past classes and their summaries stay); a library one is retired instead. */
    async remove(id: string, viewer: Viewer, now: number): Promise<void> {
      const sequence = await usable(id, viewer);
      const isDone = sequence.isLibrary
        ? canRetireSequence(sequence, viewer) && (await storage.clinic.retireLibrarySequence(id, now))
        : await storage.sequences.delete(id, viewer.id);
      if (!isDone) throw new AppError('sequence/not_found', 'No such sequence.');
    },

    /** A copy among the viewer's own: "… (copy)" of their own, the library's title (numbered if taken) for a library sequence. */
    async duplicate(id: string, viewer: Viewer, now: number): Promise<Sequence> {
      const sequence = await usable(id, viewer);
      if (sequence.isLibrary) return plain(await copyLibraryToOwn(storage, viewer.id, sequence, now));
      const { title, language, cues } = sequence;
      return storage.sequences.create(viewer.id, { title: copyTitle(title, language), language, cues }, now);
    },

    async exportFile(id: string, viewer: Viewer): Promise<SequenceFile> {
      const { title, language, cues } = await usable(id, viewer);
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

/** A sequence as the wire carries it, without who owns it. */
function plain({ id, title, language, cues, createdAt, updatedAt }: Sequence): Sequence {
  return { id, title, language, cues, createdAt, updatedAt };
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

/**
 * A library sequence copied into an instructor's own, titled as in the library unless they already have that
 * title ("Neck (2)" then), so a second copy is told apart from the first in their list.
 */
export async function copyLibraryToOwn(storage: Storage, instructorId: string, library: SequenceRecord, now: number): Promise<Sequence> {
  const titles = (await storage.sequences.list(instructorId)).map((s) => s.title);
  return storage.clinic.copyToOwn(instructorId, { ...library, title: distinctTitle(library.title, titles) }, now);
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

/** "Title (copy)", shortening the title so the result still fits. */
export function copyTitle(title: string, language: Language): string {
  const suffix = COPY_SUFFIX[language];
  return title.slice(0, sequenceLimits.titleMax - suffix.length).trimEnd() + suffix;
}
