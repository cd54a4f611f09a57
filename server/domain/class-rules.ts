/**
 * The class's rules: lobby → running ⇄ paused → ended, which cue is current, its countdown, and who may do
 * what. Pure: no sockets, no SQL, no clock (time is an argument). Transport and storage call into it.
 */
import { MAX_CUES_PER_CLASS, type ClassCommand, type ClassCue, type ClassStatus, type CueAdd } from '../../shared/schemas/class.js';
import type { ErrorCode } from '../../shared/errors.js';

/** The part of a class that commands change. */
export interface ClassRunState {
  status: ClassStatus;
  /** -1 in the lobby, else the index of the current cue. */
  cueIndex: number;
  cueCount: number;
  /** Grows by one with every accepted command; a command names the revision it was made against. */
  revision: number;
  /** When the running cue's countdown reaches zero (epoch ms); null without a duration or while paused. */
  cueEndsAt: number | null;
  /** A paused cue's countdown, frozen; null when not paused or without a duration. */
  pausedRemainingMs: number | null;
  /** Whether the class moves to the next cue by itself when a countdown reaches zero. */
  isAutoAdvance: boolean;
}

/**
 * Who is acting: an instructor (the class's own or another), a participant, or the class's own timer,
 * which may only advance a cue whose countdown has run out.
 */
export type Actor = { kind: 'instructor'; instructorId: string } | { kind: 'participant' } | { kind: 'timer' };

/** What a transition needs to know of the class beyond its run state. */
export interface ClassContext {
  ownerId: string;
  /** Each cue's duration in ms, or null for a cue without a countdown. */
  cueDurationsMs: (number | null)[];
  now: number;
}

/** The timer's command: advance once the countdown of the current cue (at this revision) has run out. */
export interface TimerCommand {
  type: 'timer';
  revision: number;
}

export type CommandResult = { ok: true; state: ClassRunState } | { ok: false; code: ErrorCode; message: string };

/** Applies one command by one actor; an illegal, stale or unauthorised one is refused and changes nothing. */
export function applyCommand(state: ClassRunState, command: ClassCommand | TimerCommand, actor: Actor, context: ClassContext): CommandResult {
  const isTimer = command.type === 'timer';
  const refusal = admit(state, command.revision, isTimer ? actor.kind === 'timer' : isOwner(actor, context));
  if (refusal) return refusal;
  const next = transition(state, command, context);
  if (typeof next === 'string') return refuse('class/illegal_transition', next);
  return { ok: true, state: { ...next, revision: state.revision + 1 } };
}

/** An added cue's outcome: the new run state, the class's cues with it, and where it went. */
export type AddCueResult = { ok: true; state: ClassRunState; cues: ClassCue[]; insertedAt: number } | Extract<CommandResult, { ok: false }>;

/**
 * Adds a cue during a running or paused class, right after the current one: shown at once (`now`, its
 * countdown starting as any cue's) or as the next cue (`next`, the current cue and its countdown untouched).
 * Only the class's instructor, against the current revision, and while the class holds fewer than
 * MAX_CUES_PER_CLASS cues. The cue is marked as added; the sequence itself does not change.
 */
export function addCue(state: ClassRunState, command: CueAdd, actor: Actor, context: ClassContext & { cues: ClassCue[] }): AddCueResult {
  const refusal = admit(state, command.revision, isOwner(actor, context));
  if (refusal) return refusal;
  if (state.status !== 'running' && state.status !== 'paused') {
    return refuse('class/illegal_transition', 'Cues can be added only while the class is running or paused.');
  }
  if (state.cueCount >= MAX_CUES_PER_CLASS) return refuse('class/cue_limit', `A class holds at most ${MAX_CUES_PER_CLASS} cues.`);
  const insertedAt = state.cueIndex + 1;
  const revision = state.revision + 1;
  const added: ClassCue = { ...command.cue, isAdded: true, addedAtRevision: revision };
  const cues: ClassCue[] = [...context.cues.slice(0, insertedAt), added, ...context.cues.slice(insertedAt)];
  const grown = { ...state, cueCount: state.cueCount + 1 };
  const durations = cues.map((cue) => (cue.durationSeconds === undefined ? null : cue.durationSeconds * 1000));
  const next = command.at === 'now' ? enterCue(grown, insertedAt, { ...context, cueDurationsMs: durations }) : grown;
  return { ok: true, state: { ...next, revision }, cues, insertedAt };
}

/**
 * Where a cue that a phone showed as `cueIndex` at revision `seenRevision` is now. Cues are only ever added, so the
 * phone's list is today's without the cues added since, in the same order. A phone's taps kept while it was offline
 * arrive after such additions, and must count for the cue that was on its screen.
 */
export function cueIndexNow(cues: Pick<ClassCue, 'addedAtRevision'>[], cueIndex: number, seenRevision: number): number {
  const seen = cues.flatMap((cue, index) => (cue.addedAtRevision !== undefined && cue.addedAtRevision > seenRevision ? [] : [index]));
  // A cue the phone cannot have shown: left as sent, for the rule that refuses cues not shown yet.
  return seen[cueIndex] ?? cueIndex;
}

/**
 * The highest cue shown so far once a cue is inserted at `insertedAt`: cues from there on moved one place
 * down, and a cue shown at once (now `cueIndex`) counts as shown.
 */
export function reachedAfterInsert(maxCueIndexReached: number, insertedAt: number, cueIndex: number): number {
  return Math.max(maxCueIndexReached >= insertedAt ? maxCueIndexReached + 1 : maxCueIndexReached, cueIndex);
}

/**
 * Whether a participant's flag for `cueIndex` can be stored: the class is running or paused (not in the lobby,
 * not ended) and the cue has been shown already (`maxCueIndexReached`, the highest cue shown so far, always one
 * of the class's cues: cues are added, never taken away), so nobody flags after the end or ahead of the class.
 */
export function canFlag(state: Pick<ClassRunState, 'status'> & { maxCueIndexReached: number }, cueIndex: number): boolean {
  const isLive = state.status === 'running' || state.status === 'paused';
  return isLive && cueIndex >= 0 && cueIndex <= state.maxCueIndexReached;
}

/** Milliseconds left on the current cue's countdown at `now` (0 when run out), or null without one. */
export function remainingMs(state: Pick<ClassRunState, 'cueEndsAt' | 'pausedRemainingMs'>, now: number): number | null {
  if (state.pausedRemainingMs !== null) return state.pausedRemainingMs;
  if (state.cueEndsAt === null) return null;
  return Math.max(0, state.cueEndsAt - now);
}

/** When the timer should try to advance this class, or null when it should not. */
export function autoAdvanceAt(state: ClassRunState): number | null {
  const hasNext = state.cueIndex + 1 < state.cueCount;
  return state.status === 'running' && state.isAutoAdvance && hasNext ? state.cueEndsAt : null;
}

type Transition = Omit<ClassRunState, 'revision'>;

function transition(state: ClassRunState, command: ClassCommand | TimerCommand, context: ClassContext): Transition | string {
  const { status, cueIndex, cueCount } = state;
  if (status === 'ended') return 'The class has ended.';
  const goTo = (index: number) => enterCue(state, index, context);
  switch (command.type) {
    case 'start':
      return status === 'lobby' ? enterCue({ ...state, status: 'running' }, 0, context) : 'The class has already started.';
    case 'next':
      if (status === 'lobby') return 'Start the class first.';
      return cueIndex + 1 < cueCount ? goTo(cueIndex + 1) : 'This is the last cue.';
    case 'previous':
      if (status === 'lobby') return 'Start the class first.';
      return cueIndex > 0 ? goTo(cueIndex - 1) : 'This is the first cue.';
    case 'jump':
      if (status === 'lobby') return 'Start the class first.';
      return command.cueIndex < cueCount ? goTo(command.cueIndex) : 'There is no such cue.';
    case 'pause':
      if (status !== 'running') return 'Only a running class can be paused.';
      return { ...state, status: 'paused', cueEndsAt: null, pausedRemainingMs: remainingMs(state, context.now) };
    case 'resume':
      if (status !== 'paused') return 'Only a paused class can be resumed.';
      return {
        ...state,
        status: 'running',
        cueEndsAt: state.pausedRemainingMs === null ? null : context.now + state.pausedRemainingMs,
        pausedRemainingMs: null,
      };
    case 'auto-advance':
      return { ...state, isAutoAdvance: command.isOn };
    case 'timer': {
      const dueAt = autoAdvanceAt(state);
      if (dueAt === null || dueAt > context.now) return 'The countdown has not run out.';
      return goTo(cueIndex + 1);
    }
    case 'end':
      return { ...state, status: 'ended', cueEndsAt: null, pausedRemainingMs: null };
  }
}

/** Shows cue `index`: its countdown starts now, or waits frozen while the class is paused. */
function enterCue(state: ClassRunState, index: number, context: ClassContext): Transition {
  const durationMs = context.cueDurationsMs[index] ?? null;
  const isPaused = state.status === 'paused';
  return {
    ...state,
    cueIndex: index,
    cueEndsAt: durationMs === null || isPaused ? null : context.now + durationMs,
    pausedRemainingMs: durationMs !== null && isPaused ? durationMs : null,
  };
}

function isOwner(actor: Actor, context: Pick<ClassContext, 'ownerId'>): boolean {
  return actor.kind === 'instructor' && actor.instructorId === context.ownerId;
}

/** The checks every change of a class passes first: who is asking, and against which revision. */
function admit(state: ClassRunState, revision: number, isAllowed: boolean): Extract<CommandResult, { ok: false }> | null {
  if (!isAllowed) return refuse('auth/forbidden', 'Only the class’s instructor may control it.');
  if (revision !== state.revision) return refuse('class/stale_revision', `The class is at revision ${state.revision}, not ${revision}.`);
  return null;
}

function refuse(code: ErrorCode, message: string): Extract<CommandResult, { ok: false }> {
  return { ok: false, code, message };
}
