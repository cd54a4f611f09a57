/**
 * The class's rules: lobby → running ⇄ paused → ended, which cue is current, and who may do what.
 * Pure: no sockets, no SQL, no clock. Transport and storage call into it.
 */
import type { ClassCommand, ClassStatus } from '../../shared/schemas/class.js';
import type { ErrorCode } from '../../shared/errors.js';

/** The part of a class that commands change. */
export interface ClassRunState {
  status: ClassStatus;
  /** -1 in the lobby, else the index of the current cue. */
  cueIndex: number;
  cueCount: number;
  /** Grows by one with every accepted command; a command names the revision it was made against. */
  revision: number;
}

/** Who is acting: the class's own instructor, another instructor, or a participant. */
export type Actor = { kind: 'instructor'; instructorId: string } | { kind: 'participant' };

export type CommandResult = { ok: true; state: ClassRunState } | { ok: false; code: ErrorCode; message: string };

/** A fresh class: in the lobby, no cue shown, revision 0. */
export function initialRunState(cueCount: number): ClassRunState {
  return { status: 'lobby', cueIndex: -1, cueCount, revision: 0 };
}

/** Applies one command by one actor to a class owned by `ownerId`. */
export function applyCommand(state: ClassRunState, command: ClassCommand, actor: Actor, ownerId: string): CommandResult {
  if (actor.kind !== 'instructor' || actor.instructorId !== ownerId) {
    return refuse('auth/forbidden', 'Only the class’s instructor may control it.');
  }
  if (command.revision !== state.revision) {
    return refuse('class/stale_revision', `The class is at revision ${state.revision}, not ${command.revision}.`);
  }
  const next = transition(state, command);
  if (typeof next === 'string') return refuse('class/illegal_transition', next);
  return { ok: true, state: { ...next, revision: state.revision + 1 } };
}

/** Whether a participant's flag for `cueIndex` can be stored: the class has started and has that cue. */
export function canFlag(state: ClassRunState, cueIndex: number): boolean {
  return state.status !== 'lobby' && cueIndex >= 0 && cueIndex < state.cueCount;
}

function transition(state: ClassRunState, command: ClassCommand): Omit<ClassRunState, 'revision'> | string {
  const { status, cueIndex, cueCount } = state;
  if (status === 'ended') return 'The class has ended.';
  switch (command.type) {
    case 'start':
      return status === 'lobby' ? { status: 'running', cueIndex: 0, cueCount } : 'The class has already started.';
    case 'next':
      if (status === 'lobby') return 'Start the class first.';
      return cueIndex + 1 < cueCount ? { status, cueIndex: cueIndex + 1, cueCount } : 'This is the last cue.';
    case 'previous':
      if (status === 'lobby') return 'Start the class first.';
      return cueIndex > 0 ? { status, cueIndex: cueIndex - 1, cueCount } : 'This is the first cue.';
    case 'jump':
      if (status === 'lobby') return 'Start the class first.';
      return command.cueIndex < cueCount ? { status, cueIndex: command.cueIndex, cueCount } : 'There is no such cue.';
    case 'pause':
      return status === 'running' ? { status: 'paused', cueIndex, cueCount } : 'Only a running class can be paused.';
    case 'resume':
      return status === 'paused' ? { status: 'running', cueIndex, cueCount } : 'Only a paused class can be resumed.';
    case 'end':
      return { status: 'ended', cueIndex, cueCount };
  }
}

function refuse(code: ErrorCode, message: string): CommandResult {
  return { ok: false, code, message };
}
