import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PublicClassState } from '../../../shared/schemas/class';
import { journeyWritten, JourneyRecorder } from './journey-recorder';
import { JOURNEY_KEY, loadJourney, OPT_IN_KEY, setKeeping } from './journey-store';

/** A Map behind the Storage interface, as window.localStorage for the recorder. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, String(value)),
  };
}

const state = (cueIndex: number, text: string | null): PublicClassState => ({
  code: 'K7MPQ2',
  title: 'Shoulders',
  language: 'en',
  status: cueIndex < 0 ? 'lobby' : 'running',
  cueIndex,
  cueCount: 3,
  cue: text === null ? null : { text, regions: [] },
  revision: 1,
  cueEndsAt: null,
  pausedRemainingMs: null,
  isAutoAdvance: false,
  feedbackClosesAt: null,
  serverNow: 0,
});

const flagId = '6f1c1a58-5d4b-4a43-9a1e-1d9a8f0c2b11';
let storage: Storage;
beforeEach(() => {
  storage = memoryStorage();
  (globalThis as { window?: unknown }).window = { localStorage: storage };
});
afterEach(() => {
  delete (globalThis as { window?: unknown }).window;
});

function runClass(recorder: JourneyRecorder) {
  recorder.joinedNew();
  recorder.see(state(-1, null));
  recorder.see(state(0, 'Let the shoulders drop'));
  recorder.flag(flagId, 0, 'tension');
  recorder.describe(flagId, { region: 'neck', strength: 2 });
  recorder.flag('00000000-0000-4000-8000-000000000002', 0, 'relief');
  recorder.undo('00000000-0000-4000-8000-000000000002');
  recorder.feedback({ feeling: 'better', rating: 4 });
}

describe('the journey recorder', () => {
  it('keeps nothing at all while the opt-in is off', async () => {
    runClass(new JourneyRecorder('K7MPQ2'));
    await journeyWritten();
    expect(storage.length).toBe(0);
  });

  it('with the opt-in on, keeps the class, its cue, the flag with where and how strong, and the feedback', async () => {
    setKeeping(true);
    expect(storage.getItem(OPT_IN_KEY)).toBe('1');
    runClass(new JourneyRecorder('K7MPQ2', () => 1_741_000_000_000));
    await journeyWritten();
    const [entry, ...rest] = loadJourney().entries;
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      code: 'K7MPQ2',
      joinedAt: 1_741_000_000_000,
      title: 'Shoulders',
      cues: [{ index: 0, text: 'Let the shoulders drop' }],
      flags: [{ cueIndex: 0, kind: 'tension', region: 'neck', strength: 2 }],
      feedback: { feeling: 'better', rating: 4 },
    });
    // The flag's id on the phone is its own, never the one the server knows.
    expect(storage.getItem(JOURNEY_KEY)).not.toContain(flagId);
  });

  it('stops keeping when the opt-in goes off, and keeps what it had', async () => {
    setKeeping(true);
    const recorder = new JourneyRecorder('K7MPQ2');
    recorder.joinedNew();
    recorder.see(state(0, 'Let the shoulders drop'));
    setKeeping(false);
    recorder.flag(flagId, 0, 'tension');
    await journeyWritten();
    expect(storage.getItem(OPT_IN_KEY)).toBeNull();
    expect(loadJourney().entries[0]!.flags).toEqual([]);
  });

  it('a reload resumes the same entry; a new token in the same phone opens another', async () => {
    setKeeping(true);
    new JourneyRecorder('K7MPQ2').see(state(0, 'Let the shoulders drop'));
    new JourneyRecorder('K7MPQ2').see(state(1, 'Breathe'));
    await journeyWritten();
    expect(loadJourney().entries).toHaveLength(1);
    const next = new JourneyRecorder('K7MPQ2');
    next.joinedNew();
    next.see(state(0, 'Let the shoulders drop'));
    await journeyWritten();
    expect(loadJourney().entries).toHaveLength(2);
  });
});
