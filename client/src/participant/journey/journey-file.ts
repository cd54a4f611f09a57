/**
 * My journey as a file: export (the kept JSON, pretty-printed), and import on another phone — checked field by
 * field (a file is anyone's input), rebuilt without unknown fields, then merged without duplicating a class.
 */
import { feelings } from '../../../../shared/feedback';
import { isRegionId } from '../../../../shared/regions';
import { JOURNEY_FORMAT, JOURNEY_VERSION, MAX_ENTRIES, MAX_FLAGS_PER_CUE, type Journey, type JourneyCue, type JourneyEntry, type JourneyFeedback, type JourneyFlag } from '../../lib/journey-store';

/** A file bigger than this is refused before it is read (400 long classes fit in well under 2 MB). */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Why a file was refused; the page says each in its own words. */
export type ImportProblem = 'too-large' | 'not-json' | 'not-journey' | 'newer-version';

export type ParsedJourney = { ok: true; journey: Journey } | { ok: false; problem: ImportProblem };

/** Thrown inside the checks; becomes `not-journey`. */
class Invalid extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function check(condition: boolean): asserts condition {
  if (!condition) throw new Invalid();
}
function text(v: unknown, max: number): string {
  check(typeof v === 'string' && v.length <= max);
  return v;
}
function int(v: unknown, min: number, max: number): number {
  check(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max);
  return v;
}
function list(v: unknown, max: number): unknown[] {
  check(Array.isArray(v) && v.length <= max);
  return v;
}
function obj(v: unknown): Obj {
  check(isObj(v));
  return v;
}

function readCue(v: unknown): JourneyCue {
  const o = obj(v);
  return { index: int(o.index, 0, 999), text: text(o.text, 2000) };
}

function readFlag(v: unknown): JourneyFlag {
  const o = obj(v);
  check(o.kind === 'tension' || o.kind === 'relief');
  check(o.region === undefined || isRegionId(o.region));
  const flag: JourneyFlag = { id: text(o.id, 64), cueIndex: int(o.cueIndex, 0, 999), kind: o.kind };
  if (o.region !== undefined) flag.region = o.region as JourneyFlag['region'];
  if (o.strength !== undefined) flag.strength = int(o.strength, 1, 3);
  return flag;
}

function readFeedback(v: unknown): JourneyFeedback {
  const o = obj(v);
  check((feelings as readonly unknown[]).includes(o.feeling));
  const feedback: JourneyFeedback = { feeling: o.feeling as JourneyFeedback['feeling'], rating: int(o.rating, 1, 5) };
  if (o.comment !== undefined) feedback.comment = text(o.comment, 500);
  return feedback;
}

function readEntry(v: unknown): JourneyEntry {
  const o = obj(v);
  check(o.language === 'cs' || o.language === 'en');
  check(typeof o.joinedAt === 'number' && Number.isFinite(o.joinedAt) && o.joinedAt > 0);
  const entry: JourneyEntry = {
    id: text(o.id, 64),
    code: text(o.code, 16),
    joinedAt: o.joinedAt,
    title: text(o.title, 200),
    language: o.language,
    cueCount: int(o.cueCount, 0, 999),
    cues: list(o.cues, 1000).map(readCue),
    flags: list(o.flags, 1000 * MAX_FLAGS_PER_CUE).map(readFlag),
  };
  check(entry.id.length > 0);
  if (o.feedback !== undefined) entry.feedback = readFeedback(o.feedback);
  return entry;
}

/** Reads a journey file's text: a journey (entries oldest first) or why not. */
export function parseJourneyFile(content: string): ParsedJourney {
  if (content.length > MAX_FILE_BYTES) return { ok: false, problem: 'too-large' };
  let data: unknown;
  try {
    data = JSON.parse(content);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  if (!isObj(data) || data.format !== JOURNEY_FORMAT) return { ok: false, problem: 'not-journey' };
  if (typeof data.version === 'number' && data.version > JOURNEY_VERSION) return { ok: false, problem: 'newer-version' };
  try {
    check(data.version === JOURNEY_VERSION);
    const entries = list(data.entries, MAX_ENTRIES * 4).map(readEntry);
    return { ok: true, journey: { format: JOURNEY_FORMAT, version: JOURNEY_VERSION, entries: entries.sort((a, b) => a.joinedAt - b.joinedAt) } };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, problem: 'not-journey' };
    throw err;
  }
}

/**
 * Adds the imported classes that this phone does not have yet (same entry id: the same class, already
 * here, so importing a file twice changes nothing). Oldest first; the oldest go beyond the entry limit.
 */
export function mergeJourneys(mine: Journey, imported: Journey): { journey: Journey; added: number; alreadyHere: number } {
  const ids = new Set(mine.entries.map((e) => e.id));
  const fresh = imported.entries.filter((e) => !ids.has(e.id) && ids.add(e.id));
  const entries = [...mine.entries, ...fresh].sort((a, b) => a.joinedAt - b.joinedAt).slice(-MAX_ENTRIES);
  return { journey: { ...mine, entries }, added: fresh.length, alreadyHere: imported.entries.length - fresh.length };
}

/** The file's content: the journey exactly as kept. */
export function journeyFileContent(journey: Journey): string {
  return JSON.stringify({ format: journey.format, version: journey.version, entries: journey.entries }, null, 1);
}

/** `attune-journey-2025-03-10.json`, by the phone's local date. */
export function journeyFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `attune-journey-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}
