import { describe, expect, it } from 'vitest';
import {
  addFlag,
  describeFlag,
  emptyJourney,
  findOrOpenEntry,
  MAX_ENTRIES,
  MAX_FLAGS_PER_CUE,
  removeFlag,
  RESUME_WINDOW_MS,
  seeCue,
  setFeedback,
  type ClassSeen,
  type Journey,
} from './journey-store';

const DAY = 24 * 60 * 60_000;
const monday = Date.UTC(2025, 2, 3, 9, 0);
const seen = (over: Partial<ClassSeen> = {}): ClassSeen => ({ code: 'K7MPQ2', title: 'Shoulders', language: 'en', cueIndex: 0, cueCount: 3, cueText: 'Let the shoulders drop', ...over });

function open(journey: Journey, now: number, id: string, over: Partial<ClassSeen> = {}, isNewJoin = false, entryId: string | null = null) {
  return findOrOpenEntry(journey, seen(over), now, id, entryId, isNewJoin);
}

describe('the journey store', () => {
  it('opens one entry per class, with the date and title, and resumes it on a reload', () => {
    const first = open(emptyJourney(), monday, 'a', {}, true);
    expect(first.entryId).toBe('a');
    expect(first.entries).toEqual([{ id: 'a', code: 'K7MPQ2', joinedAt: monday, title: 'Shoulders', language: 'en', cueCount: 3, cues: [], flags: [] }]);
    // A reload an hour later (the token was there: not a new join) finds the same entry by its code.
    const resumed = open(first, monday + 60 * 60_000, 'b');
    expect(resumed.entryId).toBe('a');
    expect(resumed.entries).toHaveLength(1);
  });

  it('keeps two classes on one day as two entries, also when a code comes round again', () => {
    const morning = open(emptyJourney(), monday, 'a', {}, true);
    const evening = open(morning, monday + 8 * 60 * 60_000, 'b', { code: 'X2Y3Z4' }, true);
    expect(evening.entries.map((e) => e.id)).toEqual(['a', 'b']);
    // The same code a week later is another class, even when the phone does not know it joined anew.
    const later = open(evening, monday + RESUME_WINDOW_MS + 1, 'c');
    expect(later.entryId).toBe('c');
    // A new token always means a new class, even within the window.
    expect(open(morning, monday + 60_000, 'd', {}, true).entryId).toBe('d');
  });

  it('keeps each cue once, with its latest text, in order', () => {
    let j: Journey = open(emptyJourney(), monday, 'a', {}, true);
    j = seeCue(j, 'a', seen({ cueIndex: 1, cueText: 'Breathe into the back' }));
    j = seeCue(j, 'a', seen({ cueIndex: 0, cueText: 'Let the shoulders drop' }));
    j = seeCue(j, 'a', seen({ cueIndex: 1, cueText: 'Breathe into the lower back' }));
    j = seeCue(j, 'a', seen({ cueIndex: -1, cueText: null, cueCount: 4 }));
    expect(j.entries[0]!.cues).toEqual([
      { index: 0, text: 'Let the shoulders drop' },
      { index: 1, text: 'Breathe into the lower back' },
    ]);
    expect(j.entries[0]!.cueCount).toBe(4);
  });

  it('records flags, their region and strength, and forgets an undone one', () => {
    let j: Journey = open(emptyJourney(), monday, 'a', {}, true);
    j = addFlag(j, 'a', { id: 'f1', cueIndex: 0, kind: 'tension' });
    j = addFlag(j, 'a', { id: 'f2', cueIndex: 0, kind: 'relief' });
    j = describeFlag(j, 'a', 'f1', { region: 'neck', strength: 3 });
    j = describeFlag(j, 'a', 'f2', { region: 'chest' });
    j = describeFlag(j, 'a', 'f2', { region: undefined, strength: 1 });
    expect(j.entries[0]!.flags).toEqual([
      { id: 'f1', cueIndex: 0, kind: 'tension', region: 'neck', strength: 3 },
      { id: 'f2', cueIndex: 0, kind: 'relief', strength: 1 },
    ]);
    j = removeFlag(j, 'a', 'f1');
    expect(j.entries[0]!.flags.map((f) => f.id)).toEqual(['f2']);
  });

  it('keeps no more flags per cue than the server counts', () => {
    let j: Journey = open(emptyJourney(), monday, 'a', {}, true);
    for (let i = 0; i < MAX_FLAGS_PER_CUE + 5; i++) j = addFlag(j, 'a', { id: `f${i}`, cueIndex: 2, kind: 'tension' });
    j = addFlag(j, 'a', { id: 'other', cueIndex: 3, kind: 'relief' });
    expect(j.entries[0]!.flags).toHaveLength(MAX_FLAGS_PER_CUE + 1);
  });

  it('keeps the feedback as last sent', () => {
    let j: Journey = open(emptyJourney(), monday, 'a', {}, true);
    j = setFeedback(j, 'a', { feeling: 'same', rating: 3 });
    j = setFeedback(j, 'a', { feeling: 'better', rating: 5, comment: 'Ramena povolila' });
    expect(j.entries[0]!.feedback).toEqual({ feeling: 'better', rating: 5, comment: 'Ramena povolila' });
  });

  it('changes only the entry it is given and never mutates the journey passed in', () => {
    const two = open(open(emptyJourney(), monday, 'a', {}, true), monday + DAY, 'b', { code: 'X2Y3Z4' }, true);
    const frozen = structuredClone(two);
    const changed = addFlag(two, 'b', { id: 'f', cueIndex: 0, kind: 'tension' });
    expect(two).toEqual(frozen);
    expect(changed.entries[0]).toBe(two.entries[0]);
    expect(changed.entries[1]!.flags).toHaveLength(1);
  });

  it('drops the oldest classes beyond the limit', () => {
    let j: Journey = emptyJourney();
    for (let i = 0; i <= MAX_ENTRIES; i++) j = open(j, monday + i * DAY, `e${i}`, {}, true);
    expect(j.entries).toHaveLength(MAX_ENTRIES);
    expect(j.entries[0]!.id).toBe('e1');
  });
});
