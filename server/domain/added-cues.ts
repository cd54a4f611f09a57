/**
 * Cues added during a class, after the class: which of a class's cues stand for its sequence's (so trends and
 * insights line classes of one sequence up), and the rule of **Keep in the sequence**. Pure.
 */
import type { ErrorCode } from '../../shared/errors.js';
import type { ClassCue, ClassStatus } from '../../shared/schemas/class.js';
import type { KeepCues } from '../../shared/schemas/summary.js';
import { sequenceLimits, type Cue } from '../../shared/schemas/sequence.js';
import { cueIndexByKey, cueKeys } from './cue-match.js';

/** Whether a class's cue is one of its sequence's: not added during the class, or added and kept there since. */
export function isSequenceCue(cue: Pick<ClassCue, 'isAdded' | 'isKept'>): boolean {
  return !cue.isAdded || cue.isKept === true;
}

/**
 * Per cue of a class, its place among the sequence's cues, or null for a cue added during the class (and not
 * kept): the trend and the insights compare classes of one sequence cue by cue, and an added cue is not one.
 */
export function sequencePositions(cues: Pick<ClassCue, 'isAdded' | 'isKept'>[]): (number | null)[] {
  let position = 0;
  return cues.map((cue) => (isSequenceCue(cue) ? position++ : null));
}

/** The sequence a cue would be kept in, and who owns it. */
export interface KeepTarget {
  cues: Cue[];
  ownerId: string;
  isLibrary: boolean;
}

export type KeepResult =
  | { ok: true; classCues: ClassCue[]; sequenceCues: Cue[]; position: number }
  | { ok: false; code: ErrorCode; message: string };

/**
 * **Keep in the sequence**: the instructor adds a cue they added during an ended class of theirs to the
 * sequence the class ran, at the same place (after the sequence's cue that came before it in the class, cues
 * kept earlier included; `keepPosition` when the sequence changed since). A sequence of the clinic's library is
 * refused: it changes only through the library. The class's snapshot marks the cue kept, so it is kept once.
 */
export function keepAddedCue(
  facts: { status: ClassStatus; cues: ClassCue[] },
  cueIndex: number,
  sequence: KeepTarget | null,
  instructorId: string,
): KeepResult {
  const cue = facts.cues[cueIndex];
  if (facts.status !== 'ended') return refuse('class/illegal_transition', 'A cue is kept in the sequence once the class has ended.');
  if (!cue?.isAdded) return refuse('class/illegal_transition', 'This cue was not added during the class.');
  if (cue.isKept) return refuse('class/illegal_transition', 'This cue is already kept in the sequence.');
  if (!sequence) return refuse('sequence/not_found', 'The sequence this class ran no longer exists.');
  if (sequence.isLibrary) return refuse('sequence/library', 'The class ran a clinic library sequence, which changes only through the library.');
  if (sequence.ownerId !== instructorId) return refuse('sequence/not_found', 'No such sequence.');
  if (sequence.cues.length >= sequenceLimits.cuesMax) return refuse('sequence/cue_limit', `A sequence holds at most ${sequenceLimits.cuesMax} cues.`);
  const position = keepPosition(facts.cues, cueIndex, sequence.cues);
  const { isAdded: _added, addedAtRevision: _revision, isKept: _kept, ...kept } = cue;
  return {
    ok: true,
    classCues: facts.cues.map((c, i) => (i === cueIndex ? { ...c, isKept: true } : c)),
    sequenceCues: [...sequence.cues.slice(0, position), kept, ...sequence.cues.slice(position)],
    position,
  };
}

/**
 * Where a kept cue goes in the sequence as it is now, which may have been edited since the class: right after the
 * nearest of the class's sequence cues before it that the sequence still has (found by wording, as trends find a
 * cue across versions), else right before the nearest such cue after it, else as many cues from the start as
 * came before it in the class.
 */
function keepPosition(classCues: ClassCue[], cueIndex: number, sequenceCues: Cue[]): number {
  const own = classCues.flatMap((cue, classIndex) => (isSequenceCue(cue) ? [{ cue, classIndex }] : []));
  const keys = cueKeys(own.map(({ cue }) => cue.text));
  const now = cueIndexByKey(sequenceCues.map((cue) => cue.text));
  const found = own.map(({ classIndex }, i) => ({ classIndex, at: now.get(keys[i]!) }));
  const earlier = found.filter((entry) => entry.classIndex < cueIndex);
  const anchorBefore = earlier.findLast((entry) => entry.at !== undefined)?.at;
  if (anchorBefore !== undefined) return anchorBefore + 1;
  const anchorAfter = found.find((entry) => entry.classIndex > cueIndex && entry.at !== undefined)?.at;
  if (anchorAfter !== undefined) return anchorAfter;
  return Math.min(earlier.length, sequenceCues.length);
}

/** Whether the reader may keep a class's added cues in its sequence at all: the class is theirs and has ended. */
export function mayKeepCues(facts: { instructorId: string; status: ClassStatus }, instructorId: string): boolean {
  return facts.instructorId === instructorId && facts.status === 'ended';
}

/**
 * What the summary offers its reader for the class's added cues: **Keep in the sequence**, or, for a class that
 * ran a clinic library sequence (`keepAddedCue` refuses it), the reason instead of a button that only refuses;
 * nothing once the sequence is deleted (null), as there is nowhere to keep them.
 */
export function keepCuesOffer(
  facts: { instructorId: string; status: ClassStatus },
  sequence: Pick<KeepTarget, 'isLibrary'> | null,
  instructorId: string,
): KeepCues {
  if (!mayKeepCues(facts, instructorId) || !sequence) return 'none';
  return sequence.isLibrary ? 'library' : 'allowed';
}

function refuse(code: ErrorCode, message: string): KeepResult {
  return { ok: false, code, message };
}

/**
 * Figures of a class keyed by its cue index, keyed instead by the cue's place in the sequence (from
 * `sequencePositions`); those of cues added during the class are left out.
 */
export function bySequencePosition<T extends { cueIndex: number }>(items: T[], positions: (number | null)[]): T[] {
  return items.flatMap((item) => {
    const position = positions[item.cueIndex];
    return position === null || position === undefined ? [] : [{ ...item, cueIndex: position }];
  });
}
