/**
 * A cue added during a class, over real sockets and a real SQLite file:
 *   tablet -> cue:add -> server -> SQLite (snapshot + moved per-cue rows) -> class:state -> phones,
 * then flags on it, a restart, the summary and its exports, and Keep in the sequence.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClassDetails, CueAdd, CueKept } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import type { ClassSummary, ClassSummaryPage, SequenceTrend } from '../../shared/schemas/summary.js';
import {
  closeAllSockets,
  connect,
  connectInstructor,
  connectParticipant,
  emitAck,
  emitUnchecked,
  httpClient,
  last,
  sendCommand,
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

const own = { title: 'Shoulders', language: 'en', cues: [{ text: 'Breathe', regions: [] }, { text: 'Shoulders down', regions: [] }, { text: 'Rest', regions: [] }] };

/** A running class of the instructor's own three-cue sequence, on its first cue, with a tablet and two phones. */
async function runningClass() {
  const sequence = await instructor.json<Sequence>('POST', '/api/sequences', own);
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  const phones = await Promise.all([connectParticipant(server.url, opened.code), connectParticipant(server.url, opened.code)]);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  await sendCommand(tablet, 'start');
  return { sequence, opened, tablet, phones };
}

async function add(tablet: TestSocket, cue: CueAdd['cue'], at: CueAdd['at']) {
  const ack = await emitAck(tablet, 'cue:add', { revision: last(tablet, 'class:instructor-state')!.revision, cue, at });
  if (!ack.ok) throw new Error(`cue:add: ${ack.error.code} ${ack.error.message}`);
  return ack.data;
}

const tap = (cueIndex: number, kind: 'tension' | 'relief', extra: object = {}) => ({ flagId: randomUUID(), cueIndex, kind, ...extra });

describe('Add a cue during a class', () => {
  it('reaches two phones as the next cue or at once, takes their flags, and survives a restart', async () => {
    const { opened, tablet, phones } = await runningClass();

    // Show next: the phones stay on cue 1 of now 4; Next brings the added cue.
    const next = await add(tablet, { text: 'Let the jaw hang', regions: ['jaw'] }, 'next');
    expect(next).toMatchObject({ cueIndex: 0, cueCount: 4 });
    expect(next.cues[1]).toEqual({ text: 'Let the jaw hang', regions: ['jaw'], isAdded: true, addedAtRevision: next.revision });
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 0, cueCount: 4, cue: { text: 'Breathe' } })));
    await sendCommand(tablet, 'next');
    await waitFor(() =>
      phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 1, cueCount: 4, cue: { text: 'Let the jaw hang', regions: ['jaw'] } })),
    );
    // Phones see a cue like any other: nothing says it was added.
    expect(last(phones[0]!, 'class:state')?.cue).toEqual({ text: 'Let the jaw hang', regions: ['jaw'] });

    // Flags on it count to it.
    expect(await emitAck(phones[0]!, 'flag:submit', tap(1, 'tension', { region: 'neck' }))).toMatchObject({ ok: true });
    expect(await emitAck(phones[1]!, 'flag:submit', tap(1, 'relief'))).toMatchObject({ ok: true });
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toContainEqual({ cueIndex: 1, tension: 1, relief: 1, participants: 2 }));

    // Show now: the current cue repeated, shown at once.
    const repeated = await add(tablet, { text: 'Let the jaw hang', regions: ['jaw'] }, 'now');
    expect(repeated).toMatchObject({ cueIndex: 2, cueCount: 5 });
    await waitFor(() => phones.forEach((p) => expect(last(p, 'class:state')).toMatchObject({ cueIndex: 2, cueCount: 5, cue: { text: 'Let the jaw hang' } })));
    expect(await emitAck(phones[1]!, 'flag:submit', tap(2, 'tension'))).toMatchObject({ ok: true });
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toContainEqual({ cueIndex: 2, tension: 1, relief: 0, participants: 1 }));

    // A restart keeps it: the class comes back from storage with its added cues, where they were.
    await server.restart();
    const phone = await connectParticipant(server.url, opened.code);
    await waitFor(() => expect(last(phone, 'class:state')).toMatchObject({ cueIndex: 2, cueCount: 5, cue: { text: 'Let the jaw hang' } }));
    const details = await instructor.json<ClassDetails>('GET', `/api/classes/${opened.classId}`);
    expect(details.class.cues.map((c) => [c.text, c.isAdded ?? false])).toEqual([
      ['Breathe', false],
      ['Let the jaw hang', true],
      ['Let the jaw hang', true],
      ['Shoulders down', false],
      ['Rest', false],
    ]);
  });

  it('moves the flags of cues after it with their cues when the class had gone back', async () => {
    const { tablet, phones } = await runningClass();
    await sendCommand(tablet, 'jump', { cueIndex: 2 });
    expect(await emitAck(phones[0]!, 'flag:submit', tap(2, 'tension'))).toMatchObject({ ok: true });
    await sendCommand(tablet, 'jump', { cueIndex: 0 });
    await add(tablet, { text: 'Slow down', regions: [] }, 'next');
    // "Rest" is cue 3 now, and its flag with it; the added cue 1 has none.
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 3, tension: 1, relief: 0, participants: 1 }]));
    // A flag for "Rest" sent by its new index still counts, up to the cue's last shown index.
    expect(await emitAck(phones[1]!, 'flag:submit', tap(3, 'relief'))).toMatchObject({ ok: true });
  });

  it('counts a tap kept on a phone while cues were added for the cue that was on its screen', async () => {
    const { tablet, phones } = await runningClass();
    const [offline, online] = phones as [TestSocket, TestSocket];
    await sendCommand(tablet, 'jump', { cueIndex: 2 });
    await waitFor(() => expect(last(offline, 'class:state')).toMatchObject({ cueIndex: 2, cue: { text: 'Rest' } }));
    // Tapped on "Rest" (cue 2) and kept: the phone is offline while the class goes back and two cues are added.
    const kept = tap(2, 'tension', { revision: last(offline, 'class:state')!.revision });
    const keptOnFirst = tap(0, 'relief', { revision: last(offline, 'class:state')!.revision });
    await sendCommand(tablet, 'jump', { cueIndex: 0 });
    await add(tablet, { text: 'Slow down', regions: [] }, 'next');
    await sendCommand(tablet, 'jump', { cueIndex: 2 });
    await add(tablet, { text: 'Open the chest', regions: [] }, 'next');
    // Breathe, Slow down, Shoulders down, Open the chest, Rest.
    await waitFor(() => expect(last(online, 'class:state')).toMatchObject({ cueIndex: 2, cueCount: 5 }));

    // Back online: "Rest" is cue 4 now, and "Breathe" is still cue 0.
    expect(await emitAck(offline, 'flag:submit', kept)).toMatchObject({ ok: true, data: { duplicate: false } });
    expect(await emitAck(offline, 'flag:submit', keptOnFirst)).toMatchObject({ ok: true, data: { duplicate: false } });
    // A phone that saw the additions numbers the cues as they are now.
    expect(await emitAck(online, 'flag:submit', tap(2, 'tension', { revision: last(online, 'class:state')!.revision }))).toMatchObject({ ok: true });
    await waitFor(() =>
      expect(last(tablet, 'tally:updated')?.cues).toEqual([
        { cueIndex: 0, tension: 0, relief: 1, participants: 1 },
        { cueIndex: 2, tension: 1, relief: 0, participants: 1 },
        { cueIndex: 4, tension: 1, relief: 0, participants: 1 },
      ]),
    );
    // Sent again (its ack was lost), it is the same flag: acknowledged, not counted twice.
    expect(await emitAck(offline, 'flag:submit', kept)).toMatchObject({ ok: true, data: { duplicate: true } });
  });

  it('a phone sending old revisions in a flood moves nothing beyond the cues shown, and counts at most its cap', async () => {
    const { tablet, phones } = await runningClass();
    const [hostile] = phones as [TestSocket, TestSocket];
    await add(tablet, { text: 'Slow down', regions: [] }, 'next');
    for (const revision of [-1, 1.5, '3', null]) {
      expect(await emitUnchecked(hostile, 'flag:submit', { ...tap(0, 'tension'), revision }), String(revision)).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    }
    // Numbered as before the addition, cue 1 ("Shoulders down") is cue 2 now: not shown yet.
    expect(await emitAck(hostile, 'flag:submit', tap(1, 'tension', { revision: 0 }))).toMatchObject({ ok: false, error: { code: 'flag/invalid_cue' } });
    // Two hundred at once, each with the oldest revision: every one answered, at most the cap counted.
    const answers = await Promise.all(Array.from({ length: 200 }, () => emitAck(hostile, 'flag:submit', tap(0, 'tension', { revision: 0 }))));
    const counted = answers.filter((answer) => answer.ok && !answer.data.duplicate).length;
    expect(answers.every((answer) => answer.ok || ['rate/limited', 'flag/limit_reached'].includes(answer.error.code))).toBe(true);
    expect(counted).toBeGreaterThan(0);
    expect(counted).toBeLessThanOrEqual(20);
    await waitFor(() => expect(last(tablet, 'tally:updated')?.cues).toEqual([{ cueIndex: 0, tension: counted, relief: 0, participants: 1 }]));
  });

  it('answers bad input and anyone but the class’s instructor with an error, and changes nothing', async () => {
    const { opened, tablet, phones } = await runningClass();
    const revision = last(tablet, 'class:instructor-state')!.revision;
    const bad: unknown[] = [
      { revision, cue: { text: '', regions: [] }, at: 'next' },
      { revision, cue: { text: '   ', regions: [] }, at: 'next' },
      { revision, cue: { text: 'x'.repeat(281), regions: [] }, at: 'next' },
      { revision, cue: { text: 'Fine', regions: ['tail'] }, at: 'next' },
      { revision, cue: { text: 'Fine', regions: [], extra: 1 }, at: 'next' },
      { revision, cue: { text: 'Fine', regions: [] }, at: 'later' },
      { revision, cue: { text: 'Fine\u0000', regions: [] }, at: 'now' },
      { cue: { text: 'Fine', regions: [] }, at: 'now' },
      'Fine',
    ];
    for (const payload of bad) {
      expect(await emitUnchecked(tablet, 'cue:add', payload), JSON.stringify(payload)).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    }
    expect(await emitAck(tablet, 'cue:add', { revision: revision - 1, cue: { text: 'Late', regions: [] }, at: 'next' })).toMatchObject({
      ok: false,
      error: { code: 'class/stale_revision' },
    });
    // A participant may not add cues.
    expect(await emitUnchecked(phones[0]!, 'cue:add', { revision, cue: { text: 'Mine', regions: [] }, at: 'now' })).toMatchObject({
      ok: false,
      error: { code: 'auth/forbidden' },
    });
    // Another instructor cannot even reach the class's tablet socket.
    await instructor.json('POST', '/api/auth/instructors', { email: 'other@clinic.test', password: 'one-time-password' });
    const other = httpClient(server.url);
    await other.json('POST', '/api/auth/signin', { email: 'other@clinic.test', password: 'one-time-password' });
    await other.json('POST', '/api/auth/password', { newPassword: 'correct horse battery' });
    await expect(connect(server.url, { role: 'instructor', classId: opened.classId }, other.cookie)).rejects.toThrow();

    const details = await instructor.json<ClassDetails>('GET', `/api/classes/${opened.classId}`);
    expect(details.class).toMatchObject({ cueCount: 3, revision });
  });

  it('is refused in the lobby and after the end', async () => {
    const sequence = await instructor.json<Sequence>('POST', '/api/sequences', own);
    const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    expect(await emitAck(tablet, 'cue:add', { revision: 0, cue: { text: 'Early', regions: [] }, at: 'now' })).toMatchObject({
      ok: false,
      error: { code: 'class/illegal_transition' },
    });
    await sendCommand(tablet, 'start');
    await sendCommand(tablet, 'end');
    expect(await emitAck(tablet, 'cue:add', { revision: 2, cue: { text: 'Late', regions: [] }, at: 'now' })).toMatchObject({
      ok: false,
      error: { code: 'class/illegal_transition' },
    });
  });
});

describe('After the class', () => {
  it('the summary, its exports and the timeline mark the added cue; the trend leaves it out; Keep in the sequence adds it', async () => {
    const { sequence, opened, tablet, phones } = await runningClass();
    await add(tablet, { text: 'Let the jaw hang', regions: ['jaw'] }, 'now');
    expect(await emitAck(phones[0]!, 'flag:submit', tap(1, 'tension'))).toMatchObject({ ok: true });
    await sendCommand(tablet, 'next');
    await sendCommand(tablet, 'end');

    const summary = await instructor.json<ClassSummaryPage>('GET', `/api/classes/${opened.classId}/summary`);
    expect(summary.cues.map((c) => [c.text, c.isAdded, c.isKept])).toEqual([
      ['Breathe', false, false],
      ['Let the jaw hang', true, false],
      ['Shoulders down', false, false],
      ['Rest', false, false],
    ]);
    expect(summary.keepCues).toBe('allowed');
    expect(summary.timeline.map((s) => s.cueIndex)).toEqual([0, 1, 2]);
    const json = (await (await instructor.request('GET', `/api/classes/${opened.classId}/summary.json`)).json()) as ClassSummary;
    expect(json.cues[1]).toMatchObject({ text: 'Let the jaw hang', isAdded: true });
    expect(json).not.toHaveProperty('keepCues');
    const csv = await (await instructor.request('GET', `/api/classes/${opened.classId}/summary.csv`)).text();
    expect(csv).toContain('cue,,2,Let the jaw hang,added_during_class,1');
    expect(csv).toContain('timeline,2,2,Let the jaw hang,added_during_class,1');
    expect(csv).not.toContain('Breathe,added_during_class');

    // The trend compares the sequence's cues only.
    const trend = await instructor.json<SequenceTrend>('GET', `/api/trends/${sequence.id}`);
    expect(trend.cues.map((c) => c.text)).toEqual(['Breathe', 'Shoulders down', 'Rest']);
    expect(trend.cues.map((c) => c.points[0]!.isReached)).toEqual([true, true, false]);

    // Keep in the sequence: at its place, a new version; the summary says so; a second keep is refused.
    const kept = await instructor.json<CueKept>('POST', `/api/classes/${opened.classId}/cues/1/keep`);
    expect(kept).toMatchObject({ sequenceId: sequence.id, position: 1, version: 2 });
    const edited = await instructor.json<Sequence>('GET', `/api/sequences/${sequence.id}`);
    expect(edited.cues).toEqual([
      { text: 'Breathe', regions: [] },
      { text: 'Let the jaw hang', regions: ['jaw'] },
      { text: 'Shoulders down', regions: [] },
      { text: 'Rest', regions: [] },
    ]);
    expect((await instructor.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`)).cues[1]).toMatchObject({ isAdded: true, isKept: true });
    const again = await instructor.request('POST', `/api/classes/${opened.classId}/cues/1/keep`);
    expect(again.status).toBe(409);
    const notAdded = await instructor.request('POST', `/api/classes/${opened.classId}/cues/0/keep`);
    expect(notAdded.status).toBe(409);
    const badIndex = await instructor.request('POST', `/api/classes/${opened.classId}/cues/x/keep`);
    expect(badIndex.status).toBe(400);
    expect((await instructor.json<Sequence>('GET', `/api/sequences/${sequence.id}`)).cues).toHaveLength(4);
  });

  it('offers no Keep in the sequence once the sequence is deleted, and refuses one', async () => {
    const { sequence, opened, tablet } = await runningClass();
    await add(tablet, { text: 'Let the jaw hang', regions: [] }, 'now');
    await sendCommand(tablet, 'end');
    expect((await instructor.request('DELETE', `/api/sequences/${sequence.id}`)).status).toBe(204);
    const summary = await instructor.json<ClassSummaryPage>('GET', `/api/classes/${opened.classId}/summary`);
    expect(summary.cues[1]).toMatchObject({ text: 'Let the jaw hang', isAdded: true, isKept: false });
    expect(summary.keepCues).toBe('none');
    const refused = await instructor.request('POST', `/api/classes/${opened.classId}/cues/1/keep`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
  });

  it('does not offer Keep in the sequence for a library sequence, refuses it saying why, and changes nothing', async () => {
    const [libraryOne] = await instructor.json<{ id: string; cues: unknown[] }[]>('GET', '/api/library');
    expect(libraryOne).toBeDefined();
    const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId: libraryOne!.id });
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    await sendCommand(tablet, 'start');
    await add(tablet, { text: 'My own', regions: [] }, 'next');
    await sendCommand(tablet, 'end');
    // The summary says why instead of offering a button that can only be refused.
    const summary = await instructor.json<ClassSummaryPage>('GET', `/api/classes/${opened.classId}/summary`);
    expect(summary.cues[1]).toMatchObject({ text: 'My own', isAdded: true, isKept: false });
    expect(summary.keepCues).toBe('library');
    const refused = await instructor.request('POST', `/api/classes/${opened.classId}/cues/1/keep`);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error: { code: 'sequence/library' } });
    expect((await instructor.json<{ id: string; cues: unknown[] }[]>('GET', '/api/library'))[0]!.cues).toHaveLength(libraryOne!.cues.length);
  });
});
