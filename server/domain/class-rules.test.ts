import { describe, expect, it } from 'vitest';
import { MAX_CUES_PER_CLASS, type ClassCommand, type ClassCue, type CueAdd } from '../../shared/schemas/class.js';
import {
  addCue,
  applyCommand,
  autoAdvanceAt,
  canFlag,
  cueIndexNow,
  reachedAfterInsert,
  remainingMs,
  type Actor,
  type ClassContext,
  type ClassRunState,
} from './class-rules.js';

const owner: Actor = { kind: 'instructor', instructorId: 'owner' };
const NOW = 1_000_000;
/** Three cues: the first without a countdown, then 30 s and 60 s. */
const context: ClassContext = { ownerId: 'owner', cueDurationsMs: [null, 30_000, 60_000], now: NOW };
/** A fresh class of three cues: in the lobby, no cue shown, revision 0 (what storage creates). */
const LOBBY: ClassRunState = { status: 'lobby', cueIndex: -1, cueCount: 3, revision: 0, cueEndsAt: null, pausedRemainingMs: null, isAutoAdvance: false };
const state = (partial: Partial<ClassRunState>): ClassRunState => ({ ...LOBBY, ...partial });
const run = (s: ClassRunState, command: Omit<ClassCommand, 'revision'>, actor: Actor = owner, now = NOW) =>
  applyCommand(s, { ...command, revision: s.revision } as ClassCommand, actor, { ...context, now });

describe('class rules', () => {
  it('starts in the lobby with no cue', () => {
    expect(state({})).toMatchObject({ status: 'lobby', cueIndex: -1, cueCount: 3, revision: 0, cueEndsAt: null });
  });

  it('start moves the lobby to the first cue and bumps the revision', () => {
    expect(run(state({}), { type: 'start' })).toMatchObject({ ok: true, state: { status: 'running', cueIndex: 0, cueCount: 3, revision: 1 } });
  });

  it('next and previous walk the cues within bounds', () => {
    const first = state({ status: 'running', cueIndex: 0, revision: 4 });
    const second = run(first, { type: 'next' });
    expect(second).toMatchObject({ ok: true, state: { cueIndex: 1, revision: 5 } });
    expect(run(first, { type: 'previous' })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    const last = state({ status: 'running', cueIndex: 2 });
    expect(run(last, { type: 'next' })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(run(last, { type: 'previous' })).toMatchObject({ ok: true, state: { cueIndex: 1 } });
  });

  it('jump goes to any existing cue and refuses others', () => {
    const running = state({ status: 'running', cueIndex: 0 });
    expect(run(running, { type: 'jump', cueIndex: 2 } as never)).toMatchObject({ ok: true, state: { cueIndex: 2 } });
    expect(run(running, { type: 'jump', cueIndex: 3 } as never)).toMatchObject({ ok: false, code: 'class/illegal_transition' });
  });

  it('pause and resume toggle, keeping the cue; navigation works while paused', () => {
    const running = state({ status: 'running', cueIndex: 1 });
    const paused = run(running, { type: 'pause' });
    expect(paused).toMatchObject({ ok: true, state: { status: 'paused', cueIndex: 1 } });
    if (!paused.ok) throw new Error('unreachable');
    expect(run(paused.state, { type: 'pause' })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(run(paused.state, { type: 'next' })).toMatchObject({ ok: true, state: { status: 'paused', cueIndex: 2 } });
    expect(run(paused.state, { type: 'resume' })).toMatchObject({ ok: true, state: { status: 'running', cueIndex: 1 } });
    expect(run(running, { type: 'resume' })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
  });

  it('end is allowed from lobby, running and paused, and nothing follows it', () => {
    for (const status of ['lobby', 'running', 'paused'] as const) {
      expect(run(state({ status, cueIndex: status === 'lobby' ? -1 : 0 }), { type: 'end' })).toMatchObject({
        ok: true,
        state: { status: 'ended' },
      });
    }
    const ended = state({ status: 'ended', cueIndex: 1 });
    for (const type of ['start', 'next', 'previous', 'pause', 'resume', 'end'] as const) {
      expect(run(ended, { type })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    }
  });

  it('refuses navigation and pausing in the lobby, and a second start', () => {
    const lobby = state({});
    for (const type of ['next', 'previous', 'pause', 'resume'] as const) {
      expect(run(lobby, { type })).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    }
    expect(run(state({ status: 'running', cueIndex: 0 }), { type: 'start' })).toMatchObject({ ok: false });
  });

  it('refuses a command made against an older revision', () => {
    const s = state({ status: 'running', cueIndex: 0, revision: 7 });
    expect(applyCommand(s, { type: 'next', revision: 6 }, owner, context)).toMatchObject({ ok: false, code: 'class/stale_revision' });
  });

  it('only the owning instructor may command', () => {
    expect(run(state({}), { type: 'start' }, { kind: 'participant' })).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(run(state({}), { type: 'start' }, { kind: 'instructor', instructorId: 'someone-else' })).toMatchObject({
      ok: false,
      code: 'auth/forbidden',
    });
  });

  it('accepts flags only while the class runs, and only for cues already shown', () => {
    expect(canFlag({ ...state({}), maxCueIndexReached: -1 }, 0)).toBe(false);
    // Back on cue 1 after cue 2 was shown: both earlier cues and cue 2 take flags, cue 3 not yet.
    const running = { ...state({ status: 'running', cueIndex: 1 }), maxCueIndexReached: 2 };
    expect(canFlag(running, 0)).toBe(true);
    expect(canFlag(running, 2)).toBe(true);
    expect(canFlag({ ...running, maxCueIndexReached: 1 }, 2)).toBe(false);
    expect(canFlag(running, 3)).toBe(false);
    expect(canFlag(running, -1)).toBe(false);
    expect(canFlag({ ...running, status: 'paused' }, 1)).toBe(true);
    expect(canFlag({ ...running, status: 'ended' }, 1)).toBe(false);
  });
});

describe('countdowns', () => {
  const at = (s: ClassRunState, command: Omit<ClassCommand, 'revision'>, now: number) => {
    const result = run(s, command, owner, now);
    if (!result.ok) throw new Error(result.message);
    return result.state;
  };

  it('a cue with a duration gets a deadline when shown; one without gets none', () => {
    const first = at(state({}), { type: 'start' }, NOW);
    expect(first.cueEndsAt).toBeNull();
    const second = at(first, { type: 'next' }, NOW + 5_000);
    expect(second.cueEndsAt).toBe(NOW + 35_000);
    expect(remainingMs(second, NOW + 20_000)).toBe(15_000);
    expect(remainingMs(second, NOW + 99_000)).toBe(0);
  });

  it('pause freezes the remaining time and resume restarts it from then', () => {
    const running = state({ status: 'running', cueIndex: 1, cueEndsAt: NOW + 30_000 });
    const paused = at(running, { type: 'pause' }, NOW + 10_000);
    expect(paused).toMatchObject({ cueEndsAt: null, pausedRemainingMs: 20_000 });
    expect(remainingMs(paused, NOW + 500_000)).toBe(20_000);
    const resumed = at(paused, { type: 'resume' }, NOW + 100_000);
    expect(resumed).toMatchObject({ cueEndsAt: NOW + 120_000, pausedRemainingMs: null });
  });

  it('moving to another cue while paused shows its full countdown, frozen', () => {
    const paused = state({ status: 'paused', cueIndex: 0 });
    expect(at(paused, { type: 'next' }, NOW)).toMatchObject({ status: 'paused', cueIndex: 1, cueEndsAt: null, pausedRemainingMs: 30_000 });
  });

  it('the timer advances only a running, auto-advancing class whose countdown has run out', () => {
    const timer: Actor = { kind: 'timer' };
    const due = state({ status: 'running', cueIndex: 1, cueEndsAt: NOW, isAutoAdvance: true, revision: 4 });
    expect(autoAdvanceAt(due)).toBe(NOW);
    expect(applyCommand(due, { type: 'timer', revision: 4 }, timer, context)).toMatchObject({
      ok: true,
      state: { cueIndex: 2, cueEndsAt: NOW + 60_000, revision: 5 },
    });
    // Early, switched off, paused, stale, or the last cue: refused, nothing changes.
    expect(applyCommand(due, { type: 'timer', revision: 4 }, timer, { ...context, now: NOW - 1 })).toMatchObject({ ok: false });
    expect(applyCommand({ ...due, isAutoAdvance: false }, { type: 'timer', revision: 4 }, timer, context)).toMatchObject({ ok: false });
    expect(applyCommand({ ...due, status: 'paused' }, { type: 'timer', revision: 4 }, timer, context)).toMatchObject({ ok: false });
    expect(applyCommand(due, { type: 'timer', revision: 3 }, timer, context)).toMatchObject({ ok: false, code: 'class/stale_revision' });
    expect(autoAdvanceAt({ ...due, cueIndex: 2 })).toBeNull();
  });

  it('only the timer may send the timer command, and the timer nothing else', () => {
    const due = state({ status: 'running', cueIndex: 1, cueEndsAt: NOW, isAutoAdvance: true });
    expect(applyCommand(due, { type: 'timer', revision: 0 }, owner, context)).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(applyCommand(due, { type: 'next', revision: 0 }, { kind: 'timer' }, context)).toMatchObject({ ok: false, code: 'auth/forbidden' });
  });

  it('the auto-advance switch is the instructor’s, in any state before the end', () => {
    expect(run(state({}), { type: 'auto-advance', isOn: true } as never)).toMatchObject({ ok: true, state: { isAutoAdvance: true } });
    expect(run(state({ status: 'ended' }), { type: 'auto-advance', isOn: true } as never)).toMatchObject({ ok: false });
  });

  it('ending clears the countdown', () => {
    expect(at(state({ status: 'running', cueIndex: 1, cueEndsAt: NOW + 5 }), { type: 'end' }, NOW)).toMatchObject({
      cueEndsAt: null,
      pausedRemainingMs: null,
    });
  });
});

describe('adding a cue during the class', () => {
  /** The three cues of `context`, as a class's snapshot. */
  const cues: ClassCue[] = [{ text: 'Breathe', regions: [] }, { text: 'Shoulders', regions: [], durationSeconds: 30 }, { text: 'Jaw', regions: [], durationSeconds: 60 }];
  const typed = { text: 'Soften the neck', regions: ['neck'] } as CueAdd['cue'];
  const add = (s: ClassRunState, at: CueAdd['at'], cue = typed, actor: Actor = owner, revision = s.revision) =>
    addCue(s, { revision, cue, at }, actor, { ...context, cues });

  it('Show next puts it right after the current cue, marked added, and leaves the current cue and its countdown alone', () => {
    const running = state({ status: 'running', cueIndex: 1, revision: 5, cueEndsAt: NOW + 12_000 });
    const result = add(running, 'next');
    expect(result).toMatchObject({ ok: true, insertedAt: 2, state: { status: 'running', cueIndex: 1, cueCount: 4, cueEndsAt: NOW + 12_000, revision: 6 } });
    if (!result.ok) throw new Error('unreachable');
    expect(result.cues.map((c) => c.text)).toEqual(['Breathe', 'Shoulders', 'Soften the neck', 'Jaw']);
    expect(result.cues[2]).toEqual({ text: 'Soften the neck', regions: ['neck'], isAdded: true, addedAtRevision: 6 });
    // The sequence's own cues are not marked.
    expect(result.cues.filter((c) => c.isAdded)).toHaveLength(1);
  });

  it('Show now puts it after the current cue and shows it at once, with its own countdown', () => {
    const running = state({ status: 'running', cueIndex: 0, revision: 2 });
    expect(add(running, 'now')).toMatchObject({ ok: true, insertedAt: 1, state: { cueIndex: 1, cueCount: 4, cueEndsAt: null, revision: 3 } });
    const repeated = add(running, 'now', { text: 'Jaw', regions: [], durationSeconds: 60 });
    expect(repeated).toMatchObject({ ok: true, state: { cueIndex: 1, cueEndsAt: NOW + 60_000 } });
  });

  it('while paused, a cue shown now waits with its countdown frozen', () => {
    const paused = state({ status: 'paused', cueIndex: 2, pausedRemainingMs: 4_000 });
    expect(add(paused, 'now', { text: 'Again', regions: [], durationSeconds: 20 })).toMatchObject({
      ok: true,
      insertedAt: 3,
      state: { status: 'paused', cueIndex: 3, cueCount: 4, cueEndsAt: null, pausedRemainingMs: 20_000 },
    });
  });

  it('after the last cue it becomes the new last cue, so Next and auto-advance reach it', () => {
    const last = state({ status: 'running', cueIndex: 2, isAutoAdvance: true, cueEndsAt: NOW + 1_000 });
    expect(autoAdvanceAt(last)).toBeNull();
    const result = add(last, 'next');
    if (!result.ok) throw new Error(result.message);
    expect(autoAdvanceAt(result.state)).toBe(NOW + 1_000);
    expect(run(result.state, { type: 'next' })).toMatchObject({ ok: true, state: { cueIndex: 3 } });
  });

  it('only the class’s instructor, against the current revision, while the class runs or is paused', () => {
    const running = state({ status: 'running', cueIndex: 0, revision: 3 });
    expect(add(running, 'next', typed, { kind: 'participant' })).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(add(running, 'next', typed, { kind: 'instructor', instructorId: 'someone-else' })).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(add(running, 'next', typed, { kind: 'timer' })).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(add(running, 'next', typed, owner, 2)).toMatchObject({ ok: false, code: 'class/stale_revision' });
    expect(add(state({}), 'now')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
    expect(add(state({ status: 'ended', cueIndex: 1 }), 'next')).toMatchObject({ ok: false, code: 'class/illegal_transition' });
  });

  it('refuses a cue beyond the class’s cap', () => {
    const full = state({ status: 'running', cueIndex: 0, cueCount: MAX_CUES_PER_CLASS });
    expect(add(full, 'next')).toMatchObject({ ok: false, code: 'class/cue_limit' });
    expect(add({ ...full, cueCount: MAX_CUES_PER_CLASS - 1 }, 'next')).toMatchObject({ ok: true });
  });

  it('the highest cue shown moves with the cues after the insertion, and counts a cue shown now', () => {
    // On cue 1, nothing later shown yet: Show next leaves it; Show now makes the new cue 2 the highest.
    expect(reachedAfterInsert(1, 2, 1)).toBe(1);
    expect(reachedAfterInsert(1, 2, 2)).toBe(2);
    // Back on cue 1 after cue 3 was shown: cue 3 is now cue 4.
    expect(reachedAfterInsert(3, 2, 1)).toBe(4);
    expect(reachedAfterInsert(3, 2, 2)).toBe(4);
  });

  it('a cue a phone showed before cues were added is found where those additions moved it', () => {
    // A B C D at revision 10; back on A, X added after it (revision 12): A X B C D.
    const once = addAll(['A', 'B', 'C', 'D'], [['X12', 1, 12]]);
    expect(once.map((c) => c.text)).toEqual(['A', 'X12', 'B', 'C', 'D']);
    // D, tapped as cue 3 at revision 10, is cue 4 now; A (before the insertion) stays.
    expect(cueIndexNow(once, 3, 10)).toBe(4);
    expect(cueIndexNow(once, 0, 10)).toBe(0);
    // B, tapped as cue 1: the new cue went in at its place, so B moved down.
    expect(cueIndexNow(once, 1, 10)).toBe(2);
    // A phone that had seen the addition (revision 12 or later) already numbered the cues as they are.
    expect(cueIndexNow(once, 3, 12)).toBe(3);
    expect(cueIndexNow(once, 4, 13)).toBe(4);

    // Two more: Y after B (revision 15), then Z after A (revision 17), which moves X, Y and the rest down.
    const thrice = addAll(['A', 'B', 'C', 'D'], [['X12', 1, 12], ['Y15', 3, 15], ['Z17', 1, 17]]);
    expect(thrice.map((c) => c.text)).toEqual(['A', 'Z17', 'X12', 'B', 'Y15', 'C', 'D']);
    const original = ['A', 'B', 'C', 'D'];
    for (const [seen, text] of original.entries()) expect(thrice[cueIndexNow(thrice, seen, 10)]?.text).toBe(text);
    // Seen after X was added (A X B C D): each still lands on its own cue.
    for (const [seen, text] of ['A', 'X12', 'B', 'C', 'D'].entries()) expect(thrice[cueIndexNow(thrice, seen, 12)]?.text).toBe(text);
    // Seen after Y (A X B Y C D).
    for (const [seen, text] of ['A', 'X12', 'B', 'Y15', 'C', 'D'].entries()) expect(thrice[cueIndexNow(thrice, seen, 16)]?.text).toBe(text);
  });
});

/** The cues after adding one cue per [text, insertedAt, revision], in turn, as addCue places them. */
function addAll(texts: string[], additions: [string, number, number][]): ClassCue[] {
  let cues: ClassCue[] = texts.map((text) => ({ text, regions: [] }));
  for (const [text, insertedAt, revision] of additions) {
    cues = [...cues.slice(0, insertedAt), { text, regions: [], isAdded: true, addedAtRevision: revision }, ...cues.slice(insertedAt)];
  }
  return cues;
}
