/**
 * After class over real sockets and HTTP: feedback (one per participant, replaced on resend, only inside its
 * window), the summary and its exports with the threshold, another instructor's 404, history, trends, the
 * threshold setting, and retention that deletes raw flags while the summary stays identical.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassHistoryPage, ClassSummary, ClassSummaryPage, SequenceTrend } from '../../shared/schemas/summary.js';
import { hashPassword, TEST_ONLY_SCRYPT_PARAMS } from '../../server/services/passwords.js';
import {
  closeAllSockets,
  connectInstructor,
  connectParticipant,
  emitAck,
  emitUnchecked,
  type PayloadOf,
  sendCommand,
  httpClient,
  last,
  openClass,
  signUp,
  type Instructor,
  type TestSocket,
} from '../helpers/clients.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let instructor: Instructor;
/** How far the server's clock is ahead of the real one: classOfFour moves it past the feedback window. */
let clockAhead = 0;
const serverClock = () => Date.now() + clockAhead;

async function start(options: TestServerOptions = {}) {
  clockAhead = 0;
  // A short feedback window by default: the summary publishes feedback when it closes.
  server = await startTestServer({ feedbackWindowMinutes: 0.1, now: serverClock, ...options });
  instructor = await signUp(server.url);
}

afterEach(async () => {
  closeAllSockets();
  await server.close();
});

/** A started class with a tablet and `phones` participants (with their tokens, to reconnect as the same). */
async function runningClass(phones: number, by: Instructor = instructor) {
  const { class: opened } = await openClass(by);
  const tablet = await connectInstructor(server.url, by, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const tokens = Array.from({ length: phones }, () => randomUUID());
  const participants = await Promise.all(tokens.map((token) => connectParticipant(server.url, opened.code, token)));
  await sendCommand(tablet, 'start');
  return { opened, tablet, participants, tokens };
}

const tap = (cueIndex: number, kind: 'tension' | 'relief', extra: Partial<PayloadOf<'flag:submit'>> = {}) => ({ flagId: randomUUID(), cueIndex, kind, ...extra });

async function flagOk(socket: TestSocket, payload: PayloadOf<'flag:submit'>) {
  const ack = await emitAck(socket, 'flag:submit', payload);
  expect(ack.ok).toBe(true);
}

async function feedback(socket: TestSocket, payload: unknown) {
  return emitUnchecked<Record<string, never>>(socket, 'feedback:submit', payload);
}

/** Another instructor's account, signed in. */
async function otherInstructor(): Promise<Instructor> {
  const email = `other-${randomUUID()}@clinic.test`;
  const created = { id: randomUUID(), email, passwordHash: await hashPassword('another secret word', TEST_ONLY_SCRYPT_PARAMS), createdAt: Date.now() };
  await server.storage.accounts.create(created, [], { onlyIfFirst: false });
  const other = httpClient(server.url);
  await other.json('POST', '/api/auth/signin', { email, password: 'another secret word' });
  return other;
}

describe('feedback', () => {
  it('is refused before the end, then taken once per participant: a resend replaces', async () => {
    await start({ feedbackWindowMinutes: 30 });
    const { opened, tablet, participants } = await runningClass(2);
    const [a, b] = participants as [TestSocket, TestSocket];

    expect(await feedback(a, { feeling: 'better', rating: 5 })).toMatchObject({ ok: false, error: { code: 'feedback/closed' } });
    expect(last(a, 'class:state')?.feedbackClosesAt).toBeNull();

    const before = Date.now();
    await sendCommand(tablet, 'end');
    await waitFor(() => expect(last(a, 'class:state')?.status).toBe('ended'));
    const closesAt = last(a, 'class:state')!.feedbackClosesAt!;
    // The default window: 30 minutes after the end.
    expect(closesAt - before).toBeGreaterThanOrEqual(30 * 60_000);
    expect(closesAt - Date.now()).toBeLessThanOrEqual(30 * 60_000);

    expect(await feedback(a, { feeling: 'same', rating: 2, comment: 'first thought' })).toEqual({ ok: true, data: {} });
    expect(await feedback(a, { feeling: 'better', rating: 4, comment: '  Ramena povolila  ' })).toEqual({ ok: true, data: {} });
    expect(await feedback(b, { feeling: 'worse', rating: 1, comment: '   ' })).toEqual({ ok: true, data: {} });

    const answers = await server.storage.feedback.list(opened.classId);
    expect(answers.sort((x, y) => x.rating - y.rating)).toEqual([
      { feeling: 'worse', rating: 1, comment: null },
      { feeling: 'better', rating: 4, comment: 'Ramena povolila' },
    ]);
  });

  it('refuses bad answers and the instructor, writing nothing', async () => {
    await start();
    const { opened, tablet, participants } = await runningClass(1);
    await sendCommand(tablet, 'end');
    const [a] = participants as [TestSocket];
    for (const bad of [{ feeling: 'great', rating: 3 }, { feeling: 'same', rating: 9 }, { feeling: 'same', rating: 3, comment: 'x'.repeat(501) }, 'better']) {
      expect(await feedback(a, bad)).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    }
    expect(await emitAck(tablet, 'feedback:submit', { feeling: 'same', rating: 3 })).toMatchObject({ ok: false, error: { code: 'auth/forbidden' } });
    expect(await server.storage.feedback.list(opened.classId)).toEqual([]);
  });

  it('stays open for a phone that reconnects within the window, and closes after it', async () => {
    await start({ feedbackWindowMinutes: 0.02 }); // 1.2 s
    const { opened, tablet, participants, tokens } = await runningClass(1);
    await sendCommand(tablet, 'end');
    participants[0]!.disconnect();

    const again = await connectParticipant(server.url, opened.code, tokens[0]);
    await waitFor(() => expect(last(again, 'class:state')?.status).toBe('ended'));
    const { feedbackClosesAt, serverNow } = last(again, 'class:state')!;
    expect(feedbackClosesAt! - serverNow).toBeGreaterThan(0);
    expect(feedbackClosesAt! - serverNow).toBeLessThanOrEqual(1_200);
    expect(await feedback(again, { feeling: 'better', rating: 5 })).toEqual({ ok: true, data: {} });

    // Same process, same clock: wait until the server's deadline has passed, then try once.
    await waitFor(() => expect(Date.now()).toBeGreaterThan(feedbackClosesAt!), { timeoutMs: 5_000, intervalMs: 50 });
    expect(await feedback(again, { feeling: 'worse', rating: 1 })).toMatchObject({ ok: false, error: { code: 'feedback/closed' } });
    expect(await server.storage.feedback.list(opened.classId)).toEqual([{ feeling: 'better', rating: 5, comment: null }]);
  });
});

/** A class of four: cue 0 answered by three, cue 1 by one; three feedback answers. Ended. */
async function classOfFour() {
  const { opened, tablet, participants } = await runningClass(4);
  const [a, b, c, d] = participants as [TestSocket, TestSocket, TestSocket, TestSocket];
  await flagOk(a, tap(0, 'tension', { region: 'neck', strength: 3 }));
  await flagOk(a, tap(0, 'tension', { region: 'neck', strength: 2 }));
  await flagOk(b, tap(0, 'relief', { region: 'shoulder-left' }));
  await flagOk(c, tap(0, 'tension'));
  await sendCommand(tablet, 'next');
  await flagOk(d, tap(1, 'relief', { region: 'jaw', strength: 1 }));
  await sendCommand(tablet, 'end');
  await feedback(a, { feeling: 'better', rating: 5, comment: 'Krk povolil, díky' });
  await feedback(b, { feeling: 'better', rating: 4, comment: '=HYPERLINK("http://evil","x")' });
  await feedback(c, { feeling: 'same', rating: 3 });
  // Feedback is published in one batch when the window closes (issue 12, item 5c).
  const closesAt = (await server.storage.classes.get(opened.classId))!.feedbackClosesAt!;
  clockAhead += Math.max(0, closesAt - serverClock() + 1);
  return { opened };
}

describe('the summary', () => {
  it('adds up the class for its instructor, withholding what fewer than K answered', async () => {
    await start();
    const { opened } = await classOfFour();
    const summary = await instructor.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`);
    expect(summary).toMatchObject({ format: 'attune.summary/v1', classId: opened.classId, status: 'ended', participants: 4, threshold: 3 });
    expect(summary.cues[0]!.figures).toEqual({
      participants: 3,
      tension: 3,
      relief: 1,
      strengths: { tension: { 1: 0, 2: 1, 3: 1, none: 1 }, relief: { 1: 0, 2: 0, 3: 0, none: 1 } },
      regions: { neck: { tension: 2, relief: 0 }, 'shoulder-left': { tension: 0, relief: 1 } },
    });
    expect(summary.cues[1]!.figures).toBeNull();
    expect(summary.cues[2]!.figures).toMatchObject({ participants: 0, tension: 0, relief: 0 });
    expect(summary.timeline.map((s) => s.cueIndex)).toEqual([0, 1]);
    expect(summary.feedback).toMatchObject({ answers: 3, feelings: { better: 2, same: 1, worse: 0 }, meanRating: 4 });
    expect([...summary.feedback!.comments].sort()).toEqual(['=HYPERLINK("http://evil","x")', 'Krk povolil, díky']);
    // Nothing in it names or orders a participant.
    expect(JSON.stringify(summary)).not.toMatch(/participantId|participant_id|token/);
  });

  it('is readable while the class runs, and follows the instructor’s threshold', async () => {
    await start();
    const { opened, participants } = await runningClass(2);
    await flagOk(participants[0]!, tap(0, 'tension'));
    await flagOk(participants[1]!, tap(0, 'relief'));
    const running = await instructor.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`);
    expect(running).toMatchObject({ status: 'running', endedAt: null, feedback: null, isFeedbackPending: true });
    expect(running.timeline).toEqual([expect.objectContaining({ cueIndex: 0, isOngoing: true })]);
    expect(running.cues[0]!.figures).toBeNull();

    expect(await instructor.json('GET', '/api/settings/summary')).toEqual({ summaryThreshold: 3 });
    expect(await instructor.json('POST', '/api/settings/summary', { summaryThreshold: 2 })).toEqual({ summaryThreshold: 2 });
    const lowered = await instructor.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`);
    expect(lowered.threshold).toBe(2);
    expect(lowered.cues[0]!.figures).toMatchObject({ tension: 1, relief: 1, participants: 2 });
    for (const bad of [{ summaryThreshold: 1 }, { summaryThreshold: 21 }, { summaryThreshold: 2.5 }, {}]) {
      expect((await instructor.request('POST', '/api/settings/summary', bad)).status).toBe(400);
    }
  });

  it('exports as CSV and JSON downloads, withheld figures left out', async () => {
    await start();
    const { opened } = await classOfFour();
    const csvResponse = await instructor.request('GET', `/api/classes/${opened.classId}/summary.csv`);
    expect(csvResponse.status).toBe(200);
    expect(csvResponse.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csvResponse.headers.get('content-disposition')).toMatch(/^attachment; filename="?attune-summary-[A-Z0-9]{6}-\d{4}-\d{2}-\d{2}\.csv"?$/);
    const bytes = Buffer.from(await csvResponse.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.toString('utf8').slice(1);
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('section,item,cue,cue_text,measure,value');
    expect(lines).toContain('class,,,,participants,4');
    expect(lines.some((l) => /^cue,,1,.*,tension,3$/.test(l))).toBe(true);
    expect(lines.some((l) => /^cue,,1,.*,region_neck_tension,2$/.test(l))).toBe(true);
    expect(lines.some((l) => /^cue,,2,.*,withheld,fewer than 3 participants$/.test(l))).toBe(true);
    expect(lines.some((l) => /^cue,,2,.*,(tension|relief|participants),/.test(l))).toBe(false);
    expect(lines).toContain('feedback,,,,mean_rating,4');
    expect(csv).toContain(`,comment,"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csv).toContain(',comment,"Krk povolil, díky"');

    const jsonResponse = await instructor.request('GET', `/api/classes/${opened.classId}/summary.json`);
    expect(jsonResponse.headers.get('content-disposition')).toMatch(/^attachment; filename="?attune-summary-.*\.json"?$/);
    const exported = (await jsonResponse.json()) as ClassSummary;
    // The page's summary, without what the page offers its reader (Keep in the sequence): that is not the class's.
    const { keepCues, ...page } = await instructor.json<ClassSummaryPage>('GET', `/api/classes/${opened.classId}/summary`);
    expect(keepCues).toBeDefined();
    expect(exported).toEqual(page);
    expect(exported).not.toHaveProperty('keepCues');
    expect(exported.cues[1]!.figures).toBeNull();
  });

  it('is 404 for another instructor, and 401 signed out', async () => {
    await start();
    const { opened } = await classOfFour();
    const other = await otherInstructor();
    const sequenceId = (await server.storage.classes.get(opened.classId))!.sequenceId!;
    // The class ran a sequence of the clinic's library: its trend is every instructor's to read, each with
    // only their own classes of it.
    const trend = await other.json<SequenceTrend>('GET', `/api/trends/${sequenceId}`);
    expect(trend.classes).toEqual([]);
    expect(JSON.stringify(trend)).not.toContain(opened.classId);
    for (const path of [
      `/api/classes/${opened.classId}/summary`,
      `/api/classes/${opened.classId}/summary.csv`,
      `/api/classes/${opened.classId}/summary.json`,
    ]) {
      const response = await other.request('GET', path);
      expect(response.status, path).toBe(404);
      expect(await response.text()).not.toContain('Krk povolil');
      expect((await httpClient(server.url).request('GET', path)).status).toBe(401);
    }
    expect((await other.json<ClassHistoryPage>('GET', '/api/history')).items).toEqual([]);
    expect((await instructor.request('GET', `/api/classes/${randomUUID()}/summary`)).status).toBe(404);
  });
});

describe('history and trends', () => {
  it('lists started classes newest first, a page at a time, and a sequence’s trend across them', async () => {
    await start();
    const first = await classOfFour();
    const second = await runningClass(3);
    for (const [i, phone] of second.participants.entries()) await flagOk(phone, tap(0, i === 0 ? 'tension' : 'relief'));
    await openClass(instructor); // still in the lobby: not in the history

    const history = await instructor.json<ClassHistoryPage>('GET', '/api/history');
    expect(history).toMatchObject({ page: 1, pageSize: 20, total: 2 });
    expect(history.items.map((i) => [i.classId, i.status, i.participants, i.feedbackScore])).toEqual([
      [second.opened.classId, 'running', 3, null],
      [first.opened.classId, 'ended', 4, 4],
    ]);
    expect((await instructor.json<ClassHistoryPage>('GET', '/api/history?page=2')).items).toEqual([]);
    expect((await instructor.request('GET', '/api/history?page=0')).status).toBe(400);
    expect((await instructor.request('GET', '/api/history?page=x')).status).toBe(400);

    const sequenceId = history.items[0]!.sequenceId!;
    const trend = await instructor.json<SequenceTrend>('GET', `/api/trends/${sequenceId}`);
    expect(trend.classes.map((c) => [c.classId, c.feedbackScore])).toEqual([
      [first.opened.classId, 4],
      [second.opened.classId, null],
    ]);
    expect(trend.cues[0]!.points).toEqual([
      { classId: first.opened.classId, tension: 3 / 4, relief: 1 / 4, isWithheld: false, isInClass: true, isReached: true },
      { classId: second.opened.classId, tension: 1 / 3, relief: 2 / 3, isWithheld: false, isInClass: true, isReached: true },
    ]);
    expect(trend.cues[1]!.points.map((p) => p.isWithheld)).toEqual([true, false]);
    expect((await instructor.request('GET', `/api/trends/${randomUUID()}`)).status).toBe(404);
  });
});

describe('retention', () => {
  it('deletes raw flags past the retention time and keeps the summary, exports and trend identical', async () => {
    await start();
    const { opened } = await classOfFour();
    const sequenceId = (await server.storage.classes.get(opened.classId))!.sequenceId!;
    const read = async () => ({
      summary: await instructor.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`),
      csv: await (await instructor.request('GET', `/api/classes/${opened.classId}/summary.csv`)).text(),
      trend: await instructor.json<SequenceTrend>('GET', `/api/trends/${sequenceId}`),
    });
    const before = await read();

    // A day on nothing is old enough; 91 days on the flags go.
    expect(await server.runRetention(Date.now() + 24 * 60 * 60_000)).toEqual({ classes: 0, flags: 0 });
    const tally = await server.storage.flags.tally(opened.classId);
    expect(tally).not.toEqual([]);
    expect(await server.runRetention(Date.now() + 91 * 24 * 60 * 60_000)).toEqual({ classes: 1, flags: 5 });
    // The raw flags are gone (nothing left to archive); the aggregates, live tally included, stay.
    expect(await server.storage.flags.tally(opened.classId)).toEqual(tally);
    expect(await server.storage.archive.listClassesWithFlagsBefore(Date.now() + 365 * 24 * 60 * 60_000)).toEqual([]);

    // Everything stays but the timeline's figures per visit: they need the flags' times, which go with the flags.
    const after = await read();
    const withoutVisitFlags = (r: typeof before) => ({
      ...r,
      summary: { ...r.summary, timeline: r.summary.timeline.map((s) => ({ ...s, flags: null })) },
      csv: r.csv.replace(/^timeline,\d+,\d+,[^\r]*,(tension|relief),\d+\r\n/gm, ''),
    });
    expect(before.summary.timeline.some((s) => s.flags !== null)).toBe(true);
    expect(after.summary.timeline.every((s) => s.flags === null)).toBe(true);
    expect(after).toEqual(withoutVisitFlags(before));
  });
});
