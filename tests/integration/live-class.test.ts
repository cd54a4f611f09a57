/**
 * The live class over real sockets: flags that arrive twice or out of order, details and undo, countdowns and
 * auto-advance by the server's timer, coalesced counts, safety alerts, and two classes side by side.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveTally } from '../../shared/schemas/flag.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  emitUnchecked,
  sendCommand,
  last,
  openClass,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let instructor: Instructor;

beforeEach(async () => {
  server = await startTestServer();
  instructor = await signUp(server.url);
});

afterEach(async () => {
  closeAllSockets();
  await server.close();
});

/** A running class with a tablet and `phones` participants. */
async function runningClass(phones = 1) {
  const { class: opened } = await openClass(instructor);
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const participants = await Promise.all(Array.from({ length: phones }, () => connectParticipant(server.url, opened.code)));
  await sendCommand(tablet, 'start');
  return { opened, tablet, participants };
}

const flag = (cueIndex: number, kind: 'tension' | 'relief' = 'tension') => ({ flagId: randomUUID(), cueIndex, kind });

describe('flags', () => {
  it('count once when deliveries repeat and arrive out of order', async () => {
    const { opened, tablet, participants } = await runningClass(2);
    const [a, b] = participants as [TestSocket, TestSocket];
    await sendCommand(tablet, 'next');
    const early = flag(0, 'relief');
    const later = flag(1, 'tension');
    // The later tap arrives first, then the earlier one (queued offline), then both again.
    expect((await emitAck(a, 'flag:submit', later)).ok).toBe(true);
    expect((await emitAck(a, 'flag:submit', early)).ok).toBe(true);
    expect(await emitAck(a, 'flag:submit', later)).toEqual({ ok: true, data: { duplicate: true } });
    expect(await emitAck(b, 'flag:submit', early)).toEqual({ ok: true, data: { duplicate: true } });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([
      { cueIndex: 0, tension: 0, relief: 1, participants: 1 },
      { cueIndex: 1, tension: 1, relief: 0, participants: 1 },
    ]);
  });

  it('take a region and a strength after the tap, shown on the heat map of the current cue', async () => {
    const { opened, tablet, participants } = await runningClass(2);
    const [a, b] = participants as [TestSocket, TestSocket];
    const first = flag(0, 'tension');
    await emitAck(a, 'flag:submit', first);
    expect(await emitAck(a, 'flag:detail', { flagId: first.flagId, region: 'neck', strength: 3 })).toEqual({ ok: true, data: { isUpdated: true } });
    // Nobody can describe another participant's flag.
    expect(await emitAck(b, 'flag:detail', { flagId: first.flagId, region: 'jaw' })).toEqual({ ok: true, data: { isUpdated: false } });
    expect(await emitUnchecked(a, 'flag:detail', { flagId: first.flagId, region: 'elbow' })).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    await waitFor(() => expect(last(tablet, 'tally:updated')?.regions).toEqual({ neck: { tension: 1, relief: 0 } }));
    expect(await server.storage.flags.tallyRegions(opened.classId, 0)).toEqual({ neck: { tension: 1, relief: 0 } });
  });

  it('undo takes back the participant’s own flag, not someone else’s', async () => {
    const { tablet, participants } = await runningClass(2);
    const [a, b] = participants as [TestSocket, TestSocket];
    const mine = flag(0, 'tension');
    await emitAck(a, 'flag:submit', mine);
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 1, relief: 0, participants: 1 }]));
    expect(await emitAck(b, 'flag:undo', { flagId: mine.flagId })).toEqual({ ok: true, data: { isUndone: false } });
    expect(await emitAck(a, 'flag:undo', { flagId: mine.flagId })).toEqual({ ok: true, data: { isUndone: true } });
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([]));
    expect(await emitAck(a, 'flag:undo', { flagId: mine.flagId })).toEqual({ ok: true, data: { isUndone: false } });
  });

  it('reach the tablet coalesced, a few updates a second, with exact counts', async () => {
    const { opened, tablet, participants } = await runningClass(20);
    const updates: LiveTally[] = [];
    tablet.on('tally:updated', (tally) => updates.push(tally));
    const started = Date.now();
    await Promise.all(participants.flatMap((p) => Array.from({ length: 10 }, (_, i) => emitAck(p, 'flag:submit', flag(0, i % 2 ? 'relief' : 'tension')))));
    await waitFor(() => expect(updates.at(-1)?.cues).toEqual([{ cueIndex: 0, tension: 100, relief: 100, participants: 20 }]));
    const seconds = Math.max(1, (Date.now() - started) / 1000);
    expect(updates.length / seconds).toBeLessThanOrEqual(12);
    expect(updates.at(-1)?.recent.reduce((sum, s) => sum + s.tension + s.relief, 0)).toBe(200);
    expect(await server.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 100, relief: 100, participants: 20 }]);
  });
});

describe('the class’s course', () => {
  it('pause, resume and jump reach every phone', async () => {
    const { tablet, participants } = await runningClass(2);
    await sendCommand(tablet, 'pause');
    await waitFor(() => participants.forEach((p) => expect(last(p, 'class:state')?.status).toBe('paused')));
    await sendCommand(tablet, 'jump', { cueIndex: 4 });
    await waitFor(() => participants.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ status: 'paused', cueIndex: 4 })));
    await sendCommand(tablet, 'resume');
    await waitFor(() => participants.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ status: 'running', cueIndex: 4 })));
  });

  it('a cue with a duration counts down by the server’s deadline and auto-advances once when switched on', async () => {
    const { opened, tablet, participants } = await runningClass(1);
    const timed = opened.cues.findIndex((cue, i) => i + 1 < opened.cues.length && cue.durationSeconds !== undefined);
    expect(timed).toBeGreaterThanOrEqual(0);
    await sendCommand(tablet, 'auto-advance', { isOn: true });
    const before = Date.now();
    await sendCommand(tablet, 'jump', { cueIndex: timed });
    await waitFor(() => expect(last(participants[0]!, 'class:state')?.cueIndex).toBe(timed));
    const state = last(participants[0]!, 'class:state')!;
    const durationMs = opened.cues[timed]!.durationSeconds! * 1000;
    expect(state.cueEndsAt! - state.serverNow).toBeGreaterThan(durationMs - 1000);
    expect(state.cueEndsAt! - before).toBeLessThanOrEqual(durationMs + 1000);
    // Don't wait out a real cue: move the deadline to "now" in storage and re-arm, as a restart would.
    await server.storage.classes.updateRun(opened.classId, state.revision, { ...state, cueEndsAt: Date.now() + 300, revision: state.revision + 1, maxCueIndexReached: timed }, Date.now());
    await server.startTimers();
    await waitFor(() => expect(last(participants[0]!, 'class:state')?.cueIndex).toBe(timed + 1));
    const transitions = await server.storage.classes.get(opened.classId);
    expect(transitions?.revision).toBe(state.revision + 2);
  });
});

describe('safety alerts', () => {
  it('reach only the instructor, at once, until acknowledged, and never count as flags', async () => {
    const { opened, tablet, participants } = await runningClass(2);
    const [a, b] = participants as [TestSocket, TestSocket];
    const alertId = randomUUID();
    expect(await emitAck(a, 'alert:raise', { alertId })).toEqual({ ok: true, data: { duplicate: false } });
    expect(await emitAck(a, 'alert:raise', { alertId })).toEqual({ ok: true, data: { duplicate: true, isSeen: false } });
    await waitFor(() => expect(last(tablet, 'alert:raised')?.map((x) => x.alertId)).toEqual([alertId]));
    expect(last(b, 'alert:raised')).toBeUndefined();
    expect(last(a, 'alert:raised')).toBeUndefined();
    expect(await emitAck(b, 'alert:acknowledge', { alertId })).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    expect(await emitAck(tablet, 'alert:raise', { alertId: randomUUID() })).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([]);

    // A reloaded tablet still sees it.
    const reloaded = await connectInstructor(server.url, instructor, opened.classId);
    await waitFor(() => expect(last(reloaded, 'alerts:updated')).toHaveLength(1));
    expect(await emitAck(tablet, 'alert:acknowledge', { alertId })).toEqual({ ok: true, data: { isAcknowledged: true } });
    await waitFor(() => expect(last(reloaded, 'alert:resolved')).toEqual({ alertIds: [alertId] }));
    // Every phone hears which alert was seen; only the one that made it knows the id, and a repeat says so.
    await waitFor(() => expect(last(a, 'alert:seen')).toEqual({ alertIds: [alertId] }));
    expect(last(b, 'alert:seen')).toEqual({ alertIds: [alertId] });
    expect(await emitAck(a, 'alert:raise', { alertId })).toEqual({ ok: true, data: { duplicate: true, isSeen: true } });
  });
});

describe('two classes at once', () => {
  it('keep their cues, counts and endings to themselves', async () => {
    const one = await runningClass(1);
    const two = await runningClass(1);
    await sendCommand(one.tablet, 'next');
    await emitAck(two.participants[0]!, 'flag:submit', flag(0, 'relief'));
    await waitFor(() => expect(last(two.tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]));
    await sendCommand(two.tablet, 'end');
    await waitFor(() => expect(last(two.participants[0]!, 'class:state')?.status).toBe('ended'));
    expect(last(one.participants[0]!, 'class:state')).toMatchObject({ status: 'running', cueIndex: 1 });
    expect(last(one.tablet, 'tally:updated')?.cues).toEqual([]);
    expect(last(two.participants[0]!, 'class:state')?.cueIndex).toBe(0);
  });
});
