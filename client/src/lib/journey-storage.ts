/**
 * My journey's shapes and its storage on the phone: the small part the class page loads at once (the opt-in,
 * whether anything is kept). The record functions that change a journey are in journey-store, loaded only
 * while the opt-in is on.
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
