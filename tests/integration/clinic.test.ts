/**
 * The clinic (issue 14) over real HTTP and sockets on a real SQLite file: the first account is the lead; the
 * lead adds, deactivates, reactivates and resets colleagues and changes roles (never leaving the clinic without
 * a lead); the shared library is shared to, copied from and retired; the lead reads every instructor's classes
 * and summaries through the same threshold, and cannot run them; every /api/clinic route is the lead's only.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { AccountView, ClinicClassPage, ClinicOverview, LibrarySequence, OneTimePassword } from '../../shared/schemas/clinic.js';
import type { Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import type { ClassSummary, ClassSummaryPage, SequenceTrend } from '../../shared/schemas/summary.js';
import { closeAllSockets, connect, connectInstructor, connectParticipant, emitAck, httpClient, sendCommand, signUp, type Instructor } from '../helpers/clients.js';
import { declaredRoutes, fillPath } from '../helpers/http-routes.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

const run = promisify(execFile);

let server: TestServer;
let lead: Instructor;
let colleague: Instructor;
let colleagueAccount: OneTimePassword;

const own: SequenceInput = { title: 'Ana’s neck series', language: 'en', cues: [{ text: 'Notice the neck.', regions: ['neck'] }] };

async function signInWithOneTimePassword(issued: OneTimePassword, newPassword = 'a password of my own'): Promise<Instructor> {
  const client = httpClient(server.url);
  await client.json('POST', '/api/auth/signin', { email: issued.email, password: issued.oneTimePassword });
  await client.json('POST', '/api/auth/password', { newPassword });
  return client;
}

beforeAll(async () => {
  server = await startTestServer();
  lead = await signUp(server.url, 'lead@clinic.test');
  colleagueAccount = await lead.json<OneTimePassword>('POST', '/api/clinic/accounts', { email: 'Ana@Clinic.test' });
  colleague = await signInWithOneTimePassword(colleagueAccount);
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  await server?.close();
});

describe('accounts', () => {
  it('makes the first account the lead and a colleague an instructor, with a one-time password shown once', async () => {
    expect(colleagueAccount).toMatchObject({ email: 'ana@clinic.test', oneTimePassword: expect.stringMatching(/^[a-zA-Z2-9]{12}$/) });
    const accounts = await lead.json<AccountView[]>('GET', '/api/clinic/accounts');
    expect(accounts.map((a) => [a.email, a.role, a.isActive, a.mustChangePassword])).toEqual([
      ['lead@clinic.test', 'lead', true, false],
      ['ana@clinic.test', 'instructor', true, false],
    ]);
    expect(accounts[1]!.lastSignInAt).toEqual(expect.any(Number));
    expect((await lead.json<{ instructor: { role: string } }>('GET', '/api/auth/me')).instructor.role).toBe('lead');
  });

  it('refuses every /api/clinic route to an instructor (403) and to nobody (401)', async () => {
    const routes = declaredRoutes().filter((r) => r.path.startsWith('/api/clinic'));
    expect(routes.length).toBeGreaterThanOrEqual(8);
    for (const route of routes) {
      const path = fillPath(route.path, { accountId: colleagueAccount.id });
      const body = route.method === 'GET' ? undefined : { role: 'lead' };
      expect((await colleague.request(route.method, path, body)).status, `${route.method} ${path}`).toBe(403);
      expect((await httpClient(server.url).request(route.method, path, body)).status, `${route.method} ${path}`).toBe(401);
    }
    expect((await colleague.request('POST', '/api/auth/instructors', { email: 'x@clinic.test', password: 'one-time-password' })).status).toBe(403);
    expect((await lead.json<AccountView[]>('GET', '/api/clinic/accounts')).find((a) => a.id === colleagueAccount.id)!.role).toBe('instructor');
  });

  it('keeps at least one active lead: the only lead can neither step down nor be deactivated', async () => {
    const [leadAccount] = await lead.json<AccountView[]>('GET', '/api/clinic/accounts');
    for (const change of [{ role: 'instructor' }, { isActive: false }]) {
      const response = await lead.request('POST', `/api/clinic/accounts/${leadAccount!.id}`, change);
      expect(response.status).toBe(409);
      expect(await response.json()).toMatchObject({ error: { code: 'clinic/last_lead' } });
    }
    // With a second lead, the first may step down; then the second may not.
    await lead.json('POST', `/api/clinic/accounts/${colleagueAccount.id}`, { role: 'lead' });
    await lead.json('POST', `/api/clinic/accounts/${leadAccount!.id}`, { role: 'instructor' });
    expect((await colleague.request('POST', `/api/clinic/accounts/${colleagueAccount.id}`, { role: 'instructor' })).status).toBe(409);
    await colleague.json('POST', `/api/clinic/accounts/${leadAccount!.id}`, { role: 'lead' });
    await lead.json('POST', `/api/clinic/accounts/${colleagueAccount.id}`, { role: 'instructor' });
    expect((await colleague.request('GET', '/api/clinic/accounts')).status).toBe(403);
  });

  it('deactivating ends the colleague’s sessions and open tablet at once; reactivating lets them sign in again', async () => {
    const bo = await lead.json<OneTimePassword>('POST', '/api/clinic/accounts', { email: 'bo@clinic.test' });
    const boClient = await signInWithOneTimePassword(bo, 'bo’s own password');
    const sequence = await boClient.json<Sequence>('POST', '/api/sequences', own);
    const opened = await boClient.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
    const tablet = await connectInstructor(server.url, boClient, opened.class.classId);
    let isDisconnected = false;
    tablet.on('disconnect', () => (isDisconnected = true));

    await lead.json('POST', `/api/clinic/accounts/${bo.id}`, { isActive: false });
    await waitFor(() => expect(isDisconnected).toBe(true));
    expect((await boClient.request('GET', '/api/sequences')).status).toBe(401);
    const signIn = await httpClient(server.url).request('POST', '/api/auth/signin', { email: 'bo@clinic.test', password: 'bo’s own password' });
    expect(signIn.status).toBe(403);
    expect(await signIn.json()).toMatchObject({ error: { code: 'auth/deactivated' } });
    await expect(connect(server.url, { role: 'instructor', classId: opened.class.classId }, boClient.cookie)).rejects.toThrow();
    // What the account made stays: the lead still reads its class.
    expect((await lead.json<ClassSummary>('GET', `/api/classes/${opened.class.classId}/summary`)).classId).toBe(opened.class.classId);

    await lead.json('POST', `/api/clinic/accounts/${bo.id}`, { isActive: true });
    const back = httpClient(server.url);
    await back.json('POST', '/api/auth/signin', { email: 'bo@clinic.test', password: 'bo’s own password' });
    expect((await back.json<Sequence[]>('GET', '/api/sequences')).map((s) => s.id)).toEqual([sequence.id]);
  });

  it('a reset gives a new one-time password and signs the colleague out everywhere', async () => {
    const reset = await lead.json<OneTimePassword>('POST', `/api/clinic/accounts/${colleagueAccount.id}/password`);
    expect(reset.oneTimePassword).not.toBe(colleagueAccount.oneTimePassword);
    expect((await colleague.request('GET', '/api/sequences')).status).toBe(401);
    colleague = await signInWithOneTimePassword(reset, 'ana’s second password');
    expect((await colleague.request('GET', '/api/sequences')).status).toBe(200);
  });
});

describe('the shared library', () => {
  it('holds the starter library once, not a copy per account', async () => {
    const library = await colleague.json<LibrarySequence[]>('GET', '/api/library');
    expect(library.length).toBe(12);
    expect(library[0]).toMatchObject({ sharedBy: 'lead@clinic.test', canEdit: false, canRetire: false, version: 1 });
    expect((await lead.json<LibrarySequence[]>('GET', '/api/library'))[0]).toMatchObject({ canEdit: true, canRetire: true });
    expect(await colleague.json<Sequence[]>('GET', '/api/sequences')).toEqual([]);
  });

  it('a copy is the instructor’s to change, and the library keeps its version', async () => {
    const [starter] = await colleague.json<LibrarySequence[]>('GET', '/api/library');
    const copy = await colleague.json<Sequence>('POST', `/api/library/${starter!.id}/copy`);
    expect(copy).toMatchObject({ title: starter!.title, cues: starter!.cues });
    // A second copy is told apart from the first in the instructor's list.
    const second = await colleague.json<Sequence>('POST', `/api/library/${starter!.id}/copy`);
    expect(second).toMatchObject({ title: `${starter!.title} (2)`, cues: starter!.cues });
    await colleague.json('PUT', `/api/sequences/${copy.id}`, { title: 'Mine now', language: copy.language, cues: copy.cues });
    expect((await colleague.json<LibrarySequence[]>('GET', '/api/library'))[0]).toMatchObject({ title: starter!.title, version: 1 });
    // Editing the library in place is the lead's; an instructor is refused and nothing changes.
    const edit = await colleague.request('PUT', `/api/sequences/${starter!.id}`, { title: 'Hijacked', language: 'en', cues: starter!.cues });
    expect(edit.status).toBe(403);
    const edited = await lead.json<Sequence>('PUT', `/api/sequences/${starter!.id}`, { title: 'Edited by the lead', language: starter!.language, cues: starter!.cues });
    expect(edited.title).toBe('Edited by the lead');
    expect((await colleague.json<LibrarySequence[]>('GET', '/api/library'))[0]).toMatchObject({ title: 'Edited by the lead', version: 2 });
  });

  it('an instructor shares one of theirs, may withdraw it, and cannot withdraw another’s', async () => {
    const mine = await colleague.json<Sequence>('POST', '/api/sequences', own);
    const shared = await colleague.json<LibrarySequence>('POST', '/api/library', { sequenceId: mine.id });
    expect(shared).toMatchObject({ title: own.title, sharedBy: 'ana@clinic.test', canRetire: true, canEdit: false });
    const [starter] = await colleague.json<LibrarySequence[]>('GET', '/api/library');
    expect((await colleague.request('DELETE', `/api/library/${starter!.id}`)).status).toBe(404);
    // Sharing someone else's sequence is refused like a missing one.
    const leadOwn = await lead.json<Sequence>('POST', '/api/sequences', own);
    expect((await colleague.request('POST', '/api/library', { sequenceId: leadOwn.id })).status).toBe(404);
    expect((await colleague.request('DELETE', `/api/library/${shared.id}`)).status).toBe(204);
    expect((await colleague.json<LibrarySequence[]>('GET', '/api/library')).map((s) => s.id)).not.toContain(shared.id);
    expect((await colleague.json<Sequence[]>('GET', '/api/sequences')).map((s) => s.id)).toContain(mine.id);
  });
});

describe('the lead reads everything, runs nothing of another’s, singles out no one', () => {
  let classId: string;

  beforeAll(async () => {
    const [starter] = await colleague.json<LibrarySequence[]>('GET', '/api/library');
    const opened = await colleague.json<ClassDetails>('POST', '/api/classes', { sequenceId: starter!.id });
    classId = opened.class.classId;
    const tablet = await connectInstructor(server.url, colleague, classId);
    const phones = await Promise.all([1, 2].map(() => connectParticipant(server.url, opened.class.code)));
    await sendCommand(tablet, 'start');
    for (const phone of phones) {
      expect(await emitAck(phone, 'flag:submit', { flagId: randomUUID(), cueIndex: 0, kind: 'tension', region: 'neck', strength: 3 })).toMatchObject({ ok: true });
    }
    await sendCommand(tablet, 'end');
    for (const phone of phones) expect(await emitAck(phone, 'feedback:submit', { feeling: 'better', rating: 5, comment: 'Calm.' })).toMatchObject({ ok: true });
  });

  it('lists every instructor’s classes with the instructor, filterable by instructor', async () => {
    const all = await lead.json<ClinicClassPage>('GET', '/api/clinic/classes');
    expect(all.items.find((c) => c.classId === classId)).toMatchObject({ instructorEmail: 'ana@clinic.test', participants: 2 });
    const leadsOnly = await lead.json<ClinicClassPage>('GET', `/api/clinic/classes?instructorId=${(await lead.json<{ instructor: { id: string } }>('GET', '/api/auth/me')).instructor.id}`);
    expect(leadsOnly.items.map((c) => c.classId)).not.toContain(classId);
    const bad = await lead.request('GET', '/api/clinic/classes?from=yesterday');
    expect(bad.status).toBe(400);
  });

  it('reads the summary and exports through the class’s threshold: two participants stay below K = 3', async () => {
    const summary = await lead.json<ClassSummaryPage>('GET', `/api/classes/${classId}/summary`);
    expect(summary.threshold).toBe(3);
    expect(summary.feedback).toBeNull();
    expect(summary.cues[0]!.figures).toBeNull();
    const csv = await (await lead.request('GET', `/api/classes/${classId}/summary.csv`)).text();
    expect(csv).not.toContain('Calm.');
    // The colleague's own page shows the same figures, without naming them to themselves. Keep in the sequence is
    // only ever theirs, and the class ran a library sequence, so their page says why it is not offered.
    const { instructorEmail, ...figures } = summary;
    expect(instructorEmail).toBe('ana@clinic.test');
    expect(summary.keepCues).toBe('none');
    expect(await colleague.json<ClassSummaryPage>('GET', `/api/classes/${classId}/summary`)).toEqual({ ...figures, keepCues: 'library' });
  });

  it('names the colleague to the lead on the summary and in its exports; the colleague’s own exports stay as they were', async () => {
    const leadCsv = await (await lead.request('GET', `/api/classes/${classId}/summary.csv`)).text();
    expect(leadCsv).toContain('class,,,,instructor,ana@clinic.test');
    const leadJson = JSON.parse(await (await lead.request('GET', `/api/classes/${classId}/summary.json`)).text()) as ClassSummary;
    expect(leadJson.instructorEmail).toBe('ana@clinic.test');
    const ownCsv = await (await colleague.request('GET', `/api/classes/${classId}/summary.csv`)).text();
    const ownJson = await (await colleague.request('GET', `/api/classes/${classId}/summary.json`)).text();
    expect(ownCsv).not.toMatch(/instructor|ana@clinic\.test/);
    expect(ownJson).not.toMatch(/instructorEmail|ana@clinic\.test/);
    // Participants stay anonymous: nothing about a participant beyond the count, in either export.
    for (const text of [leadCsv, ownCsv]) expect(text).not.toMatch(/participant_id|token/i);
    // The lead's own class reads as an instructor's own does: no name.
    const [starter] = await lead.json<LibrarySequence[]>('GET', '/api/library');
    const leadClass = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: starter!.id });
    expect(await lead.json<ClassSummary>('GET', `/api/classes/${leadClass.class.classId}/summary`)).not.toHaveProperty('instructorEmail');
  });

  it('cannot run another instructor’s class: its tablet view and socket are refused', async () => {
    expect((await lead.request('GET', `/api/classes/${classId}`)).status).toBe(404);
    await expect(connect(server.url, { role: 'instructor', classId }, lead.cookie)).rejects.toThrow();
  });

  it('the colleague does not see the lead’s classes', async () => {
    const [starter] = await lead.json<LibrarySequence[]>('GET', '/api/library');
    const leadClass = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: starter!.id });
    expect((await colleague.request('GET', `/api/classes/${leadClass.class.classId}/summary`)).status).toBe(404);
  });

  it('the overview counts per week and per sequence across instructors, feedback withheld below the clinic’s K', async () => {
    const overview = await lead.json<ClinicOverview>('GET', '/api/clinic/overview');
    expect(overview.weeks.reduce((n, w) => n + w.classes, 0)).toBeGreaterThanOrEqual(1);
    const line = overview.sequences.find((s) => s.title === 'Edited by the lead')!;
    // The two answers are inside the class's 30-minute feedback window: not counted until it closes (below).
    expect(line).toMatchObject({ classes: 1, instructors: 1, participants: 2, feedbackAnswers: 0, feedback: expect.objectContaining({ answers: 0 }) });
    // The lead raises the clinic's K: the lead's views across instructors follow, and a colleague added
    // afterwards starts with it; the colleague's own pages keep their own K.
    await lead.json('POST', '/api/clinic/settings', { summaryThreshold: 5 });
    expect((await lead.json<ClinicOverview>('GET', '/api/clinic/overview')).threshold).toBe(5);
    const trend = await lead.json<SequenceTrend>('GET', `/api/trends/${line.sequenceId}`);
    expect(trend.threshold).toBe(5);
    expect(trend.classes.map((c) => c.classId)).toContain(classId);
    expect((await colleague.json<ClassSummary>('GET', `/api/classes/${classId}/summary`)).threshold).toBe(3);
    const later = await signInWithOneTimePassword(await lead.json<OneTimePassword>('POST', '/api/clinic/accounts', { email: 'later@clinic.test' }));
    expect(await later.json('GET', '/api/settings/summary')).toEqual({ summaryThreshold: 5 });
    await lead.json('POST', '/api/clinic/settings', { summaryThreshold: 3 });
  });
});

describe('the lead’s trend of a library sequence and the copies taken of it', () => {
  it('numbers the versions across the copies: different cues never share a number, the same cues do', async () => {
    const mine = await lead.json<Sequence>('POST', '/api/sequences', { title: 'Family', language: 'en', cues: [{ text: 'Drop the shoulders.' }] });
    const library = await lead.json<LibrarySequence>('POST', '/api/library', { sequenceId: mine.id });
    // A class run from start to end: the trend counts the classes that ran.
    async function openOn(who: Instructor, sequenceId: string) {
      const opened = await who.json<ClassDetails>('POST', '/api/classes', { sequenceId });
      const tablet = await connectInstructor(server.url, who, opened.class.classId);
      await sendCommand(tablet, 'start');
      await sendCommand(tablet, 'end');
      tablet.close();
    }
    await openOn(lead, library.id); // the library's version 1
    const copy = await colleague.json<Sequence>('POST', `/api/library/${library.id}/copy`);
    await openOn(colleague, copy.id); // the copy's version 1: the same cues
    await colleague.json('PUT', `/api/sequences/${copy.id}`, { title: copy.title, language: 'en', cues: [{ text: 'Soften the jaw.' }] });
    await openOn(colleague, copy.id); // the copy's version 2
    await lead.json('PUT', `/api/sequences/${library.id}`, { title: library.title, language: 'en', cues: [{ text: 'Breathe out.' }] });
    await openOn(lead, library.id); // the library's version 2: other cues than the copy's
    const trend = await lead.json<SequenceTrend>('GET', `/api/trends/${library.id}`);
    expect(trend.classes.map((c) => c.sequenceVersion)).toEqual([1, 1, 2, 3]);
    // The colleague's own trend of the copy keeps the copy's own numbers.
    const own = await colleague.json<SequenceTrend>('GET', `/api/trends/${copy.id}`);
    expect(own.classes.map((c) => c.sequenceVersion)).toEqual([1, 2]);
  });
});

describe('feedback reaches the lead when its class publishes it, not before', () => {
  it('the class list shows no score and the overview counts no answer until the feedback window closes', async () => {
    // Its own server with a 3-s window: a poll during the window must not time an answer (issue 12, item 5c).
    const shortWindow = await startTestServer({ feedbackWindowMinutes: 0.05 });
    try {
      const clinicLead = await signUp(shortWindow.url, 'lead@clinic.test');
      const [starter] = await clinicLead.json<LibrarySequence[]>('GET', '/api/library');
      const opened = await clinicLead.json<ClassDetails>('POST', '/api/classes', { sequenceId: starter!.id });
      const tablet = await connectInstructor(shortWindow.url, clinicLead, opened.class.classId);
      const phones = await Promise.all([1, 2, 3].map(() => connectParticipant(shortWindow.url, opened.class.code)));
      await sendCommand(tablet, 'start');
      await sendCommand(tablet, 'end');
      for (const phone of phones) expect(await emitAck(phone, 'feedback:submit', { feeling: 'better', rating: 4 })).toMatchObject({ ok: true });
      const listed = async () => (await clinicLead.json<ClinicClassPage>('GET', '/api/clinic/classes')).items.find((c) => c.classId === opened.class.classId)!;
      const answersOf = async () => (await clinicLead.json<ClinicOverview>('GET', '/api/clinic/overview')).sequences.find((s) => s.sequenceId === starter!.id)!.feedbackAnswers;
      expect(await listed()).toMatchObject({ feedbackScore: null, isFeedbackWithheld: false });
      expect(await answersOf()).toBe(0);
      await waitFor(async () => expect(await listed()).toMatchObject({ feedbackScore: 4 }), { timeoutMs: 15_000 });
      expect(await answersOf()).toBe(3);
    } finally {
      closeAllSockets();
      await shortWindow.close();
    }
  }, 60_000);
});

describe('locked out: the command line', () => {
  it('lists the accounts and prints a one-time password that signs the lead in', async () => {
    const env = { ...process.env, DATA_DIR: server.dataDir, DATABASE_URL: '' };
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const list = await run('node', ['--import', 'tsx', 'server/accounts-cli.ts', 'list'], { env });
    expect(list.stdout).toMatch(/^lead@clinic\.test\tlead\tactive\t/m);
    const reset = await run('node', ['--import', 'tsx', 'server/accounts-cli.ts', 'reset-password', 'lead@clinic.test'], { env });
    const password = /^One-time password: (\S+)$/m.exec(reset.stdout)?.[1];
    expect(password).toMatch(/^[a-zA-Z2-9]{12}$/);
    const client = httpClient(server.url);
    await client.json('POST', '/api/auth/signin', { email: 'lead@clinic.test', password });
    await client.json('POST', '/api/auth/password', { newPassword: 'back in at last' });
    expect((await client.request('GET', '/api/clinic/accounts')).status).toBe(200);
    lead = client;
    await expect(run('node', ['--import', 'tsx', 'server/accounts-cli.ts', 'reset-password', 'nobody@clinic.test'], { env })).rejects.toThrow(/No account/);
  }, 120_000);
});
