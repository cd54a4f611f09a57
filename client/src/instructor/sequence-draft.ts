/**
 * The editor's working copy of a sequence and the rules the editor applies to it: what it sends, which field
 * each validation problem belongs to (in the interface's words), and how cues move. Pure, so it is unit-tested;
 * the page holds a draft in `$state`.
 */
import { issuePath } from '../../../shared/issues';
import type { RegionId } from '../../../shared/regions';
import { sequenceInputSchema, type Language, type SequenceInput } from '../../../shared/schemas/sequence';
import type { en } from './messages.en';

/** A cue as the form holds it: the duration as typed, a key that follows the cue when it moves. */
export interface DraftCue {
  key: number;
  text: string;
  note: string;
  regions: RegionId[];
  duration: string;
}

/** The whole sequence as the form holds it. */
export interface Draft {
  title: string;
  language: Language;
  cues: DraftCue[];
}

type MessageKey = keyof typeof en;

export function emptyCue(key: number): DraftCue {
  return { key, text: '', note: '', regions: [], duration: '' };
}

/** A draft of a stored sequence, or of a new one (one empty cue, in the interface's language). */
export function draftOf(sequence: SequenceInput | null, language: Language, newKey: () => number): Draft {
  if (!sequence) return { title: '', language, cues: [emptyCue(newKey())] };
  return {
    title: sequence.title,
    language: sequence.language,
    cues: sequence.cues.map((cue) => ({
      key: newKey(),
      text: cue.text,
      note: cue.note ?? '',
      regions: [...cue.regions],
      duration: cue.durationSeconds === undefined ? '' : String(cue.durationSeconds),
    })),
  };
}

/** What the API receives: blank notes and durations left out, the duration as a number (maybe not a valid one). */
export function inputOf(draft: Draft): unknown {
  return {
    title: draft.title,
    language: draft.language,
    cues: draft.cues.map((cue) => ({
      text: cue.text,
      ...(cue.note.trim() ? { note: cue.note } : {}),
      regions: cue.regions,
      ...(cue.duration.trim() ? { durationSeconds: Number(cue.duration) } : {}),
    })),
  };
}

const messageByField: Record<string, MessageKey> = {
  title: 'editor.error.title',
  cues: 'editor.error.cues',
  text: 'editor.error.text',
  note: 'editor.error.note',
  durationSeconds: 'editor.error.duration',
};

/** The draft's problems by field path (`title`, `cues[2].text`), each the message to show beside that field. */
export function fieldErrors(draft: Draft): Map<string, MessageKey> {
  const errors = new Map<string, MessageKey>();
  const parsed = sequenceInputSchema.safeParse(inputOf(draft));
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const path = issuePath(issue.path);
    const field = issue.path.findLast((segment) => typeof segment === 'string');
    if (!errors.has(path)) errors.set(path, messageByField[String(field)] ?? 'editor.error.other');
  }
  return errors;
}

/** The list with the item at `from` moved to `to` (both clamped to the list). */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const target = Math.max(0, Math.min(list.length - 1, to));
  const next = [...list];
  const [item] = next.splice(from, 1);
  if (item !== undefined) next.splice(target, 0, item);
  return next;
}

/** The regions with `id` added, or removed if it was there. */
export function toggleRegion(regions: readonly RegionId[], id: RegionId): RegionId[] {
  return regions.includes(id) ? regions.filter((r) => r !== id) : [...regions, id];
}
