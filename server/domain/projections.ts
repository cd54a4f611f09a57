/** What each recipient may see of a class: pure projections of the stored class at a given server time. */
import type { InstructorClassState, PublicClassState } from '../../shared/schemas/class.js';
import type { Cue, Language } from '../../shared/schemas/sequence.js';
import type { ClassStatus } from '../../shared/schemas/class.js';

/** The fields of a class the projections read (a stored class record has them all). */
export interface ProjectedClass {
  id: string;
  code: string;
  title: string;
  language: Language;
  cues: Cue[];
  status: ClassStatus;
  cueIndex: number;
  revision: number;
  cueEndsAt: number | null;
  pausedRemainingMs: number | null;
  isAutoAdvance: boolean;
  feedbackClosesAt: number | null;
}

/** What a phone may see: no private notes, no counts. `serverNow` lets it show countdowns by the server's clock. */
export function publicState(record: ProjectedClass, serverNow: number): PublicClassState {
  const cue = record.cues[record.cueIndex];
  return {
    code: record.code,
    title: record.title,
    language: record.language,
    status: record.status,
    cueIndex: record.cueIndex,
    cueCount: record.cues.length,
    cue: cue ? { text: cue.text, regions: cue.regions, durationSeconds: cue.durationSeconds } : null,
    revision: record.revision,
    cueEndsAt: record.cueEndsAt,
    pausedRemainingMs: record.pausedRemainingMs,
    isAutoAdvance: record.isAutoAdvance,
    feedbackClosesAt: record.feedbackClosesAt,
    serverNow,
  };
}

/** The instructor's view: the public state plus the class id and the snapshot's cues with their notes. */
export function instructorState(record: ProjectedClass, serverNow: number): InstructorClassState {
  return { ...publicState(record, serverNow), classId: record.id, cues: record.cues };
}
