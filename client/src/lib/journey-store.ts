/**
 * My journey, kept on the participant's phone (opt-in): per class it joined, the date, the sequence's title,
 * each cue's text as seen, its own flags and its own feedback. Versioned JSON under one localStorage key;
 * nothing of it is ever sent. The record functions are pure (the journey in, a new journey out, `now` passed
 * in); the storage helpers at the end are the only code that touches localStorage.
 *
 * Anonymity: an entry holds no participant token and no flag id the server knows (flags get their own local
 * ids), so even an exported file cannot be matched to a participant on the server.
 */
import type { RegionId } from '../../../shared/regions';
import type { Feeling } from '../../../shared/feedback';

/** The format tag and version a journey file carries; a reader refuses any other. */
export const JOURNEY_FORMAT = 'attune.journey';
export const JOURNEY_VERSION = 1;
/** The oldest entries go once there are more than this many classes (years of weekly classes). */
export const MAX_ENTRIES = 400;
/** Like the server's limit: at most this many flags per cue are kept per class. */
export const MAX_FLAGS_PER_CUE = 20;
/** A phone coming back to a class's code after this long is in a new class with the same code. */
export const RESUME_WINDOW_MS = 12 * 60 * 60_000;

/** One cue of a class, as the phone showed it. */
export interface JourneyCue {
  index: number;
  text: string;
}

/** One of the person's own Tension or Relief taps; `id` is local to the phone (never the id sent). */
export interface JourneyFlag {
  id: string;
  cueIndex: number;
  kind: 'tension' | 'relief';
  region?: RegionId;
  strength?: number;
}

/** The person's own feedback after the class, as sent. */
export interface JourneyFeedback {
  feeling: Feeling;
  rating: number;
  comment?: string;
}

/** One class the phone joined. `code` is the class's public join code, shown to the whole room. */
export interface JourneyEntry {
  id: string;
  code: string;
  /** When the phone first recorded this class (the phone's clock, epoch ms): the entry's date. */
  joinedAt: number;
  title: string;
  language: 'cs' | 'en';
  cueCount: number;
  cues: JourneyCue[];
  flags: JourneyFlag[];
  feedback?: JourneyFeedback;
}

/** Everything kept: the file format when exported, too. Entries are oldest first. */
export interface Journey {
  format: typeof JOURNEY_FORMAT;
  version: typeof JOURNEY_VERSION;
  entries: JourneyEntry[];
}

/** What the phone knows of the class when it records it. */
export interface ClassSeen {
  code: string;
  title: string;
  language: 'cs' | 'en';
  cueIndex: number;
  cueCount: number;
  cueText: string | null;
}

export const emptyJourney = (): Journey => ({ format: JOURNEY_FORMAT, version: JOURNEY_VERSION, entries: [] });

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

// ---- the phone's storage -------------------------------------------------------------------------------

/** The journey's two keys: the data, and the opt-in (present only while it is on). */
export const JOURNEY_KEY = 'attune.journey';
export const OPT_IN_KEY = 'attune.journey.keep';

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function isKeeping(): boolean {
  return storage()?.getItem(OPT_IN_KEY) === '1';
}

/** On: remembered on this phone. Off: nothing more is kept (what was kept stays until deleted). */
export function setKeeping(isOn: boolean): void {
  if (isOn) storage()?.setItem(OPT_IN_KEY, '1');
  else storage()?.removeItem(OPT_IN_KEY);
}

/** The kept journey; a missing or unreadable one is empty (the view's import is where files are checked). */
export function loadJourney(): Journey {
  try {
    const parsed = JSON.parse(storage()?.getItem(JOURNEY_KEY) ?? 'null') as Journey | null;
    if (parsed?.format === JOURNEY_FORMAT && parsed.version === JOURNEY_VERSION && Array.isArray(parsed.entries)) return parsed;
  } catch {
    // Unreadable: start afresh rather than break the class.
  }
  return emptyJourney();
}

/** Saves; a full storage is not the class's problem, so a failure is swallowed and reported as false. */
export function saveJourney(journey: Journey): boolean {
  try {
    storage()?.setItem(JOURNEY_KEY, JSON.stringify({ format: journey.format, version: journey.version, entries: journey.entries }));
    return true;
  } catch {
    return false;
  }
}

export function deleteJourney(): void {
  storage()?.removeItem(JOURNEY_KEY);
}

export function hasJourney(): boolean {
  return loadJourney().entries.length > 0;
}
