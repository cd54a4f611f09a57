import { describe, expect, it } from 'vitest';
import type { ClassCommand } from '../../shared/schemas/class.js';
import { applyCommand, canFlag, initialRunState, type Actor, type ClassRunState } from './class-rules.js';

const owner: Actor = { kind: 'instructor', instructorId: 'owner' };
const state = (partial: Partial<ClassRunState>): ClassRunState => ({ ...initialRunState(3), ...partial });
const run = (s: ClassRunState, command: Omit<ClassCommand, 'revision'>, actor: Actor = owner) =>
  applyCommand(s, { ...command, revision: s.revision } as ClassCommand, actor, 'owner');

describe('class rules', () => {
  it('starts in the lobby with no cue', () => {
    expect(initialRunState(3)).toEqual({ status: 'lobby', cueIndex: -1, cueCount: 3, revision: 0 });
  });

  it('start moves the lobby to the first cue and bumps the revision', () => {
    expect(run(state({}), { type: 'start' })).toEqual({ ok: true, state: { status: 'running', cueIndex: 0, cueCount: 3, revision: 1 } });
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
    expect(applyCommand(s, { type: 'next', revision: 6 }, owner, 'owner')).toMatchObject({ ok: false, code: 'class/stale_revision' });
  });

  it('only the owning instructor may command', () => {
    expect(run(state({}), { type: 'start' }, { kind: 'participant' })).toMatchObject({ ok: false, code: 'auth/forbidden' });
    expect(run(state({}), { type: 'start' }, { kind: 'instructor', instructorId: 'someone-else' })).toMatchObject({
      ok: false,
      code: 'auth/forbidden',
    });
  });

  it('accepts flags only after the start and for existing cues', () => {
    expect(canFlag(state({}), 0)).toBe(false);
    const running = state({ status: 'running', cueIndex: 1 });
    expect(canFlag(running, 0)).toBe(true);
    expect(canFlag(running, 2)).toBe(true);
    expect(canFlag(running, 3)).toBe(false);
    expect(canFlag(running, -1)).toBe(false);
  });
});
