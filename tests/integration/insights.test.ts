/**
 * Insights over real sockets, HTTP and a real SQLite file: five classes of one sequence in which cue 2 draws
 * tension in the neck from five of six participants name that cue and region, in the trend and on its own
 * route; the same story with fewer participants than K names nothing; another instructor gets 404.
 */
import type { FlagSubmit } from '../../shared/schemas/flag.js';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { ClinicOverview } from '../../shared/schemas/clinic.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import type { SequenceInsights, SequenceTrend } from '../../shared/schemas/summary.js';
import { hashPassword, TEST_ONLY_SCRYPT_PARAMS } from '../../server/services/passwords.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, httpClient, last, sendCommand, signUp, type Instructor } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let instructor: Instructor;

afterEach(async () => {
  closeAllSockets();
  await server.close();
});

const tap = (cueIndex: number, kind: 'tension' | 'relief', extra: object = {}) => ({ flagId: randomUUID(), cueIndex, kind, ...extra });

/**
 * One class of the sequence over sockets with `phones` participants, through its first four cues: on cue 1 one
 * feels tension and one relief; on cue 2 all but one feel tension in the neck (one of them taps twice); cue 4
 * brings relief to half; then the class ends.
 */
async function runClass(sequenceId: string, phones: number): Promise<void> {
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId });
  const tablet = await connectInstructor(server.url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const participants = await Promise.all(Array.from({ length: phones }, () => connectParticipant(server.url, opened.code)));
  const flag = async (phone: number, payload: FlagSubmit) => expect((await emitAck(participants[phone]!, 'flag:submit', payload)).ok).toBe(true);

  await sendCommand(tablet, 'start');
  await flag(0, tap(0, 'tension'));
  if (phones > 1) await flag(1, tap(0, 'relief'));
  await sendCommand(tablet, 'next');
  for (let i = 0; i < phones - 1; i++) await flag(i, tap(1, 'tension', { region: 'neck' }));
  await flag(0, tap(1, 'tension', { region: 'neck', strength: 3 }));
  await sendCommand(tablet, 'next');
  await sendCommand(tablet, 'next');
  for (let i = 0; i < Math.floor(phones / 2); i++) await flag(i, tap(3, 'relief'));
  await sendCommand(tablet, 'end');
  closeAllSockets();
}

async function englishSequence(): Promise<Sequence> {
  return (await instructor.json<Sequence[]>('GET', '/api/library')).find((s) => s.language === 'en' && s.cues.length >= 4)!;
}

describe('insights', () => {
  it('name the cue that drew tension in the neck from most participants in five classes, with the numbers', async () => {
    server = await startTestServer();
    instructor = await signUp(server.url);
    const sequence = await englishSequence();

    // Two classes are not enough: nothing is named yet, and the reason is in the numbers.
    for (let i = 0; i < 2; i++) await runClass(sequence.id, 6);
    const early = await instructor.json<SequenceInsights>('GET', `/api/trends/${sequence.id}/insights`);
    expect(early).toMatchObject({ threshold: 3, minClasses: 3, maxClasses: 10, consideredClasses: 2, mostCountedClasses: 2, tension: [] });

    for (let i = 0; i < 3; i++) await runClass(sequence.id, 6);
    const insights = await instructor.json<SequenceInsights>('GET', `/api/trends/${sequence.id}/insights`);
    expect(insights.consideredClasses).toBe(5);
    expect(insights.tension).toEqual([
      {
        cueIndex: 1,
        text: sequence.cues[1]!.text,
        kind: 'tension',
        classes: 5,
        countedClasses: 5,
        // Five of six each time: the second tap of one participant is not a second participant.
        flaggedBy: 25,
        joined: 30,
        classAverage: expect.closeTo(6 / 24, 6),
        region: { region: 'neck', flags: 30, of: 30 },
      },
    ]);
    // Cue 4 brings relief to three of six where the class averages 4 of 24: the interval's lower bound, 0.19, clears 0.17.
    expect(insights.relief.map((c) => [c.cueIndex, c.classes, c.flaggedBy, c.joined, c.region])).toEqual([[3, 5, 15, 30, null]]);

    // The trend page gets the same insights with the trend.
    const trend = await instructor.json<SequenceTrend>('GET', `/api/trends/${sequence.id}`);
    expect(trend.insights).toEqual(insights);

    // The first account is the clinic lead: the overview's line for the sequence carries the same insights.
    const overview = await instructor.json<ClinicOverview>('GET', '/api/clinic/overview');
    expect(overview.sequences.find((line) => line.sequenceId === sequence.id)!.insights).toEqual(trend.insights);
  });

  it('name nothing when fewer participants than K answered, and show another instructor none of these classes', async () => {
    server = await startTestServer();
    instructor = await signUp(server.url);
    const sequence = await englishSequence();
    for (let i = 0; i < 5; i++) await runClass(sequence.id, 2);
    const insights = await instructor.json<SequenceInsights>('GET', `/api/trends/${sequence.id}/insights`);
    expect(insights).toMatchObject({ threshold: 3, consideredClasses: 5, mostCountedClasses: 0, tension: [], relief: [] });

    // With K = 2, the instructor's own choice, the same classes count for cue 1 (both participants flagged it).
    expect((await instructor.request('POST', '/api/settings/summary', { summaryThreshold: 2 })).status).toBe(200);
    const atTwo = await instructor.json<SequenceInsights>('GET', `/api/trends/${sequence.id}/insights`);
    expect(atTwo.mostCountedClasses).toBe(5);
    // The lead's views across the clinic never go below the clinic's K (3), on the trend page and the overview alike.
    const trend = await instructor.json<SequenceTrend>('GET', `/api/trends/${sequence.id}`);
    const line = (await instructor.json<ClinicOverview>('GET', '/api/clinic/overview')).sequences.find((l) => l.sequenceId === sequence.id)!;
    expect(trend.insights).toMatchObject({ threshold: 3, mostCountedClasses: 0, tension: [], relief: [] });
    expect(line.insights).toEqual(trend.insights);
    await instructor.json('POST', '/api/clinic/settings', { summaryThreshold: 2 });
    const lowered = (await instructor.json<ClinicOverview>('GET', '/api/clinic/overview')).sequences.find((l) => l.sequenceId === sequence.id)!;
    expect(lowered.insights).toMatchObject({ threshold: 2, mostCountedClasses: 5 });
    expect(lowered.insights).toEqual((await instructor.json<SequenceTrend>('GET', `/api/trends/${sequence.id}`)).insights);

    // The sequence is the clinic library's: another instructor reads its insights over their own classes only (none).
    const other = await otherInstructor();
    expect(await other.json<SequenceInsights>('GET', `/api/trends/${sequence.id}/insights`)).toMatchObject({ consideredClasses: 0, tension: [], relief: [] });
    const theirOwn = await other.json<Sequence>('POST', '/api/sequences', { title: 'Theirs', language: 'en', cues: sequence.cues });
    expect((await instructor.request('GET', `/api/trends/${theirOwn.id}/insights`)).status).toBe(404);
    expect((await instructor.request('GET', `/api/trends/${randomUUID()}/insights`)).status).toBe(404);
  });
});

describe('a sequence that changed between classes', () => {
  it('reads each class against the cues it ran, in the trend and the insights, with each class’s version', async () => {
    server = await startTestServer();
    instructor = await signUp(server.url);
    const copy = await instructor.json<Sequence>('POST', `/api/library/${(await englishSequence()).id}/copy`);
    // Version 1: three classes in which its second cue draws tension in the neck.
    for (let i = 0; i < 3; i++) await runClass(copy.id, 6);
    const [first, second, ...rest] = copy.cues;
    // Version 2: that cue moves to the end, and the first is reworded.
    const reworded = { ...first!, text: `${first!.text} Slowly.` };
    await instructor.json('PUT', `/api/sequences/${copy.id}`, { title: copy.title, language: copy.language, cues: [reworded, ...rest, second] });
    await runClass(copy.id, 6);

    const trend = await instructor.json<SequenceTrend>('GET', `/api/trends/${copy.id}`);
    expect(trend.classes.map((c) => [c.sequenceVersion, c.hasNewestCues])).toEqual([[1, false], [1, false], [1, false], [2, true]]);
    const row = (text: string) => trend.cues.find((c) => c.text === text)!;
    const moved = row(second!.text);
    expect(moved.cueIndex).toBe(copy.cues.length - 1);
    // Six taps (one participant tapped twice) of six participants in each version-1 class, where the cue stood second.
    expect(moved.points.map((p) => p.tension)).toEqual([1, 1, 1, null]);
    expect(moved.points[3]).toMatchObject({ isInClass: true, isReached: false });
    // What stands second now was third then, and drew nothing: the neck's tension is not moved onto it.
    expect(row(rest[0]!.text).cueIndex).toBe(1);
    expect(row(rest[0]!.text).points.slice(0, 3).map((p) => p.tension)).toEqual([0, 0, 0]);
    // The reworded cue has its own row, the old wording another, each empty where its version lacked it.
    expect(row(reworded.text)).toMatchObject({ cueIndex: 0 });
    expect(row(reworded.text).points.map((p) => p.isInClass)).toEqual([false, false, false, true]);
    expect(row(first!.text)).toMatchObject({ cueIndex: null });
    expect(row(first!.text).points.map((p) => p.isInClass)).toEqual([true, true, true, false]);

    // The insights name the cue by its text where it stands now, from the classes that ran it elsewhere.
    expect(trend.insights.tension.map((c) => [c.cueIndex, c.text, c.classes, c.region?.region])).toEqual([
      [copy.cues.length - 1, second!.text, 3, 'neck'],
    ]);
  });
});

/** Another instructor with an account of their own (created in storage, signed in over HTTP). */
async function otherInstructor(): Promise<Instructor> {
  const email = `other-${randomUUID()}@clinic.test`;
  const created = { id: randomUUID(), email, passwordHash: await hashPassword('another secret word', TEST_ONLY_SCRYPT_PARAMS), createdAt: Date.now() };
  await server.storage.accounts.create(created, [], { onlyIfFirst: false });
  const other = httpClient(server.url);
  await other.json('POST', '/api/auth/signin', { email, password: 'another secret word' });
  return other;
}
