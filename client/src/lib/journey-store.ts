/**
 * My journey, kept on the participant's phone (opt-in): per class it joined, the date, the sequence's title,
 * each cue's text as seen, its own flags and its own feedback. Versioned JSON under one localStorage key;
 * nothing of it is ever sent. The record functions are pure (the journey in, a new journey out, `now` passed
 * in); the storage helpers (journey-storage, re-exported here) are the only code that touches localStorage.
 *
 * Anonymity: an entry holds no participant token and no flag id the server knows (flags get their own local
 * ids), so even an exported file cannot be matched to a participant on the server.
 */
import { MAX_ENTRIES, MAX_FLAGS_PER_CUE, RESUME_WINDOW_MS, type ClassSeen, type Journey, type JourneyEntry, type JourneyFeedback, type JourneyFlag } from './journey-storage';
import type { RegionId } from '../../../shared/regions';

export * from './journey-storage';

/**
 * The entry a class's state goes into: `entryId` if given and still there, else (unless `isNewJoin`) the latest
 * entry with the same code begun within the resume window, else a new one with `newId`.
 */
export function findOrOpenEntry(journey: Journey, seen: ClassSeen, now: number, newId: string, entryId: string | null, isNewJoin: boolean): Journey & { entryId: string } {
  const known =
    journey.entries.find((e) => e.id === entryId) ??
    (isNewJoin ? undefined : journey.entries.findLast((e) => e.code === seen.code && now - e.joinedAt < RESUME_WINDOW_MS));
  if (known) return { ...journey, entryId: known.id };
  const entry: JourneyEntry = { id: newId, code: seen.code, joinedAt: now, title: seen.title, language: seen.language, cueCount: seen.cueCount, cues: [], flags: [] };
  return { ...journey, entries: [...journey.entries, entry].slice(-MAX_ENTRIES), entryId: newId };
}

function updateEntry(journey: Journey, entryId: string, change: (entry: JourneyEntry) => JourneyEntry): Journey {
  return { ...journey, entries: journey.entries.map((e) => (e.id === entryId ? change(e) : e)) };
}

/** Keeps the cue on screen (its latest text) and the class's title and cue count. */
export function seeCue(journey: Journey, entryId: string, seen: ClassSeen): Journey {
  return updateEntry(journey, entryId, (e) => {
    const cues = e.cues.filter((c) => c.index !== seen.cueIndex);
    if (seen.cueIndex >= 0 && seen.cueText !== null) cues.push({ index: seen.cueIndex, text: seen.cueText });
    return { ...e, title: seen.title, cueCount: seen.cueCount, cues: cues.sort((a, b) => a.index - b.index) };
  });
}

/** Adds a tap (no more than the per-cue limit, like the server). */
export function addFlag(journey: Journey, entryId: string, flag: JourneyFlag): Journey {
  return updateEntry(journey, entryId, (e) =>
    e.flags.filter((f) => f.cueIndex === flag.cueIndex).length >= MAX_FLAGS_PER_CUE ? e : { ...e, flags: [...e.flags, flag] },
  );
}

/** Where and how strong, added to a tap after it; `undefined` clears. */
export function describeFlag(journey: Journey, entryId: string, flagId: string, detail: { region?: RegionId; strength?: number }): Journey {
  return updateEntry(journey, entryId, (e) => ({
    ...e,
    flags: e.flags.map((f) => {
      if (f.id !== flagId) return f;
      const { region: _r, strength: _s, ...rest } = f;
      return { ...rest, ...(detail.region ? { region: detail.region } : {}), ...(detail.strength ? { strength: detail.strength } : {}) };
    }),
  }));
}

/** Undo takes the tap out of the journey too. */
export function removeFlag(journey: Journey, entryId: string, flagId: string): Journey {
  return updateEntry(journey, entryId, (e) => ({ ...e, flags: e.flags.filter((f) => f.id !== flagId) }));
}

/** The feedback as sent; sending again replaces it, as on the server. */
export function setFeedback(journey: Journey, entryId: string, feedback: JourneyFeedback): Journey {
  return updateEntry(journey, entryId, (e) => ({ ...e, feedback: { ...feedback } }));
}

