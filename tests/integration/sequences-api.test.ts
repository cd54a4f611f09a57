/**
 * The sequence API and the clinic's accounts over real requests against a real server and SQLite file:
 * writing, duplicating, deleting, ownership, bad input, export and import, classes running their own snapshot,
 * adding an instructor with a one-time password, changing a password, signing out.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiError } from '../../shared/errors.js';
import type { AuthStatus } from '../../shared/schemas/auth.js';
import type { ClassDetails, PublicClassState } from '../../shared/schemas/class.js';
import type { Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import {
  closeAllSockets,
  connect,
  connectInstructor,
  connectParticipant,
  emitAck,
  httpClient,
  last,
  signUp,
  type Instructor,
} from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
let lead: Instructor;

beforeEach(async () => {
  server = await startTestServer();
  lead = await signUp(server.url);
});

afterEach(async () => {
  closeAllSockets();
  await server.close();
});

const PASSWORD = 'correct horse battery';

const neckSequence: SequenceInput = {
  title: 'Neck and jaw',
  language: 'en',
  cues: [
    { text: 'Notice your jaw.', note: 'Slowly.', regions: ['jaw'], durationSeconds: 30 },
    { text: 'Let the neck grow long.', regions: ['neck', 'upper-back'] },
    { text: 'Rest.', regions: [] },
  ],
};

async function errorOf(response: Response): Promise<ApiError> {
  return ((await response.json()) as { error: ApiError }).error;
}

/** The lead adds a colleague, who signs in with the one-time password and sets their own. */
async function addColleague(email = 'colleague@clinic.test'): Promise<Instructor> {
  await lead.json('POST', '/api/auth/instructors', { email, password: 'one-time-password' });
  const colleague = httpClient(server.url);
  await colleague.json('POST', '/api/auth/signin', { email, password: 'one-time-password' });
  await colleague.json('POST', '/api/auth/password', { newPassword: PASSWORD });
  return colleague;
}

describe('writing sequences', () => {
  it('creates, reads, updates whole (reordered), duplicates and deletes', async () => {
    const before = await lead.json<Sequence[]>('GET', '/api/sequences');
    const created = await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    expect(created).toMatchObject(neckSequence);
    expect(await lead.json<Sequence>('GET', `/api/sequences/${created.id}`)).toEqual(created);
    expect((await lead.json<Sequence[]>('GET', '/api/sequences')).length).toBe(before.length + 1);

    const reordered = { ...neckSequence, title: 'Neck, jaw, rest', cues: [neckSequence.cues[1]!, neckSequence.cues[0]!, neckSequence.cues[2]!] };
    const updated = await lead.json<Sequence>('PUT', `/api/sequences/${created.id}`, reordered);
    expect(updated).toMatchObject({ id: created.id, ...reordered });
    expect((await lead.json<Sequence>('GET', `/api/sequences/${created.id}`)).cues.map((c) => c.text)).toEqual([
      'Let the neck grow long.',
      'Notice your jaw.',
      'Rest.',
    ]);

    const copy = await lead.json<Sequence>('POST', `/api/sequences/${created.id}/duplicate`);
    expect(copy.id).not.toBe(created.id);
    expect(copy.title).toBe('Neck, jaw, rest (copy)');
    expect(copy.cues).toEqual(updated.cues);

    expect((await lead.request('DELETE', `/api/sequences/${created.id}`)).status).toBe(204);
    expect((await lead.request('GET', `/api/sequences/${created.id}`)).status).toBe(404);
    expect((await lead.request('DELETE', `/api/sequences/${created.id}`)).status).toBe(404);
    const after = await lead.json<Sequence[]>('GET', '/api/sequences');
    expect(after.map((s) => s.id)).toContain(copy.id);
    expect(after.map((s) => s.id)).not.toContain(created.id);
  });

  it('names a duplicate in the sequence’s own language and keeps it within the title limit', async () => {
    const czech = await lead.json<Sequence>('POST', '/api/sequences', { ...neckSequence, title: 'Š'.repeat(120), language: 'cs' });
    const copy = await lead.json<Sequence>('POST', `/api/sequences/${czech.id}/duplicate`);
    expect(copy.title.endsWith(' (kopie)')).toBe(true);
    expect(copy.title.length).toBe(120);
  });

  it('refuses bad input naming the field and the problem, and writes nothing', async () => {
    await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    const before = await lead.json<Sequence[]>('GET', '/api/sequences');
    const cases: [unknown, string][] = [
      [{ ...neckSequence, cues: [{ text: 'x'.repeat(281) }] }, 'cues[0].text: must be 1-280 characters'],
      [{ ...neckSequence, cues: [{ text: '   ' }] }, 'cues[0].text: must be 1-280 characters'],
      [{ ...neckSequence, cues: [] }, 'cues: must have 1-100 cues'],
      [{ ...neckSequence, title: '' }, 'title: must be 1-120 characters'],
      [{ ...neckSequence, language: 'de' }, 'language: must be "cs" or "en"'],
      [{ ...neckSequence, cues: [{ text: 'a', durationSeconds: 901 }] }, 'cues[0].durationSeconds: must be 5-900 seconds'],
      [{ ...neckSequence, cues: [{ text: 'a', regions: ['elbow'] }] }, 'cues[0].regions[0]: must be a region id'],
      [{ ...neckSequence, cues: [{ text: 'a', duration: 30 }] }, 'cues[0]: unknown field "duration"'],
    ];
    for (const [body, issue] of cases) {
      const response = await lead.request('POST', '/api/sequences', body);
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('input/invalid');
      expect(error.issues?.join('\n')).toContain(issue);
    }
    const target = before[0]!;
    const put = await lead.request('PUT', `/api/sequences/${target.id}`, { ...neckSequence, cues: [neckSequence.cues[0], { text: '' }] });
    expect(put.status).toBe(400);
    expect((await errorOf(put)).issues).toEqual(['cues[1].text: must be 1-280 characters']);
    expect((await lead.request('POST', '/api/sequences', '{"title": ')).status).toBe(400);
    expect(await lead.json<Sequence[]>('GET', '/api/sequences')).toEqual(before);
  });

  it('accepts a sequence of 100 long cues (larger than the API’s usual 64 KB body)', async () => {
    const cue = { text: 'ž'.repeat(280), note: 'ř'.repeat(1000), regions: ['neck' as const], durationSeconds: 900 };
    const big = { title: 'Long', language: 'cs' as const, cues: Array.from({ length: 100 }, () => cue) };
    expect(JSON.stringify(big).length).toBeGreaterThan(64 * 1024);
    const created = await lead.json<Sequence>('POST', '/api/sequences', big);
    expect(created.cues).toHaveLength(100);
  });

  it('is for signed-in instructors only, and refuses another origin', async () => {
    const anonymous = httpClient(server.url);
    expect((await anonymous.request('POST', '/api/sequences', neckSequence)).status).toBe(401);
    expect((await anonymous.request('POST', '/api/sequences/import', JSON.stringify({}))).status).toBe(401);
    const crossOrigin = await fetch(`${server.url}/api/sequences`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: lead.cookie, origin: 'http://evil.example' },
      body: JSON.stringify(neckSequence),
    });
    expect(crossOrigin.status).toBe(403);
  });
});

describe('ownership', () => {
  it('answers 404 for another instructor’s sequence, whatever they try, and changes nothing', async () => {
    const mine = await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    const colleague = await addColleague();
    const theirs = await colleague.json<Sequence[]>('GET', '/api/sequences');
    expect(theirs.map((s) => s.id)).not.toContain(mine.id);

    for (const [method, path, body] of [
      ['GET', `/api/sequences/${mine.id}`],
      ['PUT', `/api/sequences/${mine.id}`, { ...neckSequence, title: 'Taken over' }],
      ['DELETE', `/api/sequences/${mine.id}`],
      ['POST', `/api/sequences/${mine.id}/duplicate`],
      ['GET', `/api/sequences/${mine.id}/export`],
      ['POST', '/api/classes', { sequenceId: mine.id }],
    ] as [string, string, unknown?][]) {
      const response = await colleague.request(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect((await errorOf(response)).code).toBe('sequence/not_found');
    }
    expect(await lead.json<Sequence>('GET', `/api/sequences/${mine.id}`)).toEqual(mine);
    expect(await colleague.json<Sequence[]>('GET', '/api/sequences')).toEqual(theirs);
  });
});

describe('export and import', () => {
  it('exports the versioned file as a download, and imports it back identically', async () => {
    const starter = await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    const exported = await lead.request('GET', `/api/sequences/${starter!.id}/export`);
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toMatch(/^application\/json/);
    expect(exported.headers.get('content-disposition')).toMatch(/^attachment; filename="?.+\.attune\.json"?/);
    const text = await exported.text();
    expect(JSON.parse(text)).toEqual({ format: 'attune.sequence/v1', title: starter!.title, language: starter!.language, cues: starter!.cues });

    // The instructor has that title already: the import is numbered, so the list never shows two alike.
    const imported = await lead.json<Sequence>('POST', '/api/sequences/import', text);
    expect(imported.id).not.toBe(starter!.id);
    expect(imported).toMatchObject({ title: `${starter!.title} (2)`, language: starter!.language, cues: starter!.cues });
    const again = await (await lead.request('GET', `/api/sequences/${imported.id}/export`)).text();
    expect(JSON.parse(again)).toEqual({ ...JSON.parse(text), title: `${starter!.title} (2)` });
  });

  it('imports a file whatever type the browser declares for it', async () => {
    const file = JSON.stringify({ format: 'attune.sequence/v1', ...neckSequence });
    for (const type of ['application/json', 'text/plain', 'application/octet-stream']) {
      const response = await fetch(`${server.url}/api/sequences/import`, { method: 'POST', headers: { 'content-type': type, cookie: lead.cookie }, body: file });
      expect(response.status, type).toBe(201);
      const { title, ...rest } = neckSequence;
      // Imported again and again: the same sequence, each with a title of its own.
      expect(await response.json()).toMatchObject({ ...rest, title: expect.stringMatching(new RegExp(`^${title}( \\(\\d+\\))?$`)) });
    }
  });

  it('refuses a bad file with every problem named, and leaves storage unchanged', async () => {
    const before = await lead.json<Sequence[]>('GET', '/api/sequences');
    const badCues = [...neckSequence.cues, { text: 'x'.repeat(300), regions: ['neck', 'knee'] }];
    const refusals: [string, number, string, string[]?][] = [
      [JSON.stringify({ format: 'attune.sequence/v1', ...neckSequence, cues: badCues }), 400, 'not a valid Attune sequence', [
        'cues[3].text: must be 1-280 characters',
        'cues[3].regions[1]: must be a region id such as "neck" or "shoulder-left" (docs/sequence-format.md)',
      ]],
      [JSON.stringify({ format: 'attune.sequence/v2', ...neckSequence }), 400, 'not a valid Attune sequence', ['format: must be "attune.sequence/v1"']],
      [JSON.stringify({ ...neckSequence }), 400, 'not a valid Attune sequence', ['format: must be "attune.sequence/v1"']],
      ['title,language\nNeck,en\n', 400, 'not JSON'],
      ['', 400, 'not JSON'],
      [JSON.stringify({ format: 'attune.sequence/v1', ...neckSequence, note: 'x'.repeat(1024 * 1024) }), 413, 'larger than 1 MB'],
    ];
    for (const [body, status, message, issues] of refusals) {
      const response = await lead.request('POST', '/api/sequences/import', body);
      expect(response.status).toBe(status);
      const error = await errorOf(response);
      expect(error.code).toBe('input/invalid');
      expect(error.message).toContain(message);
      if (issues) expect(error.issues).toEqual(issues);
    }
    expect(await lead.json<Sequence[]>('GET', '/api/sequences')).toEqual(before);
  });
});

describe('classes run a snapshot', () => {
  it('an edit or delete of the sequence changes neither a running class nor its past classes', async () => {
    const sequence = await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    const { class: opened } = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
    const tablet = await connectInstructor(server.url, lead, opened.classId);
    const phone = await connectParticipant(server.url, opened.code);
    const ack = await emitAck(tablet, 'class:command', { type: 'start', revision: opened.revision });
    expect(ack.ok).toBe(true);
    await waitFor(() => expect(last(phone, 'class:state')?.cue?.text).toBe('Notice your jaw.'));

    await lead.json('PUT', `/api/sequences/${sequence.id}`, { ...neckSequence, title: 'Rewritten', cues: [{ text: 'Something else.' }] });
    const running = await lead.json<ClassDetails>('GET', `/api/classes/${opened.classId}`);
    expect(running.class).toMatchObject({ title: 'Neck and jaw', status: 'running', cueCount: 3 });
    expect(running.class.cues).toEqual(neckSequence.cues);

    const next = await emitAck(tablet, 'class:command', { type: 'next', revision: running.class.revision });
    expect(next.ok).toBe(true);
    await waitFor(() => expect(last(phone, 'class:state')).toMatchObject<Partial<PublicClassState>>({ cueIndex: 1, cueCount: 3 }));
    expect(last(phone, 'class:state')?.cue?.text).toBe('Let the neck grow long.');

    expect((await lead.request('DELETE', `/api/sequences/${sequence.id}`)).status).toBe(204);
    expect((await lead.json<ClassDetails>('GET', `/api/classes/${opened.classId}`)).class.cues).toEqual(neckSequence.cues);
    expect((await lead.json<{ classId: string }[]>('GET', '/api/classes')).map((c) => c.classId)).toContain(opened.classId);
  });
});

describe('instructor accounts', () => {
  it('adds an instructor whose one-time password allows nothing but setting their own', async () => {
    const added = await lead.request('POST', '/api/auth/instructors', { email: 'Colleague@Clinic.test', password: 'one-time-password' });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ email: 'colleague@clinic.test' });

    const colleague = httpClient(server.url);
    await colleague.json('POST', '/api/auth/signin', { email: 'colleague@clinic.test', password: 'one-time-password' });
    expect((await colleague.json<AuthStatus>('GET', '/api/auth/me')).instructor).toMatchObject({
      email: 'colleague@clinic.test',
      mustChangePassword: true,
    });
    for (const [method, path, body] of [
      ['GET', '/api/sequences'],
      ['GET', '/api/classes'],
      ['POST', '/api/sequences', neckSequence],
      ['POST', '/api/auth/instructors', { email: 'third@clinic.test', password: 'one-time-password' }],
    ] as [string, string, unknown?][]) {
      const response = await colleague.request(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(403);
      expect((await errorOf(response)).code).toBe('auth/forbidden');
    }
    const { class: leadClass } = await lead.json<ClassDetails>('POST', '/api/classes', {
      sequenceId: (await lead.json<Sequence[]>('GET', '/api/library'))[0]!.id,
    });
    await expect(connect(server.url, { role: 'instructor', classId: leadClass.classId }, colleague.cookie)).rejects.toMatchObject({
      data: { code: 'auth/forbidden' },
    });
    const sameAgain = await colleague.request('POST', '/api/auth/password', { newPassword: 'one-time-password' });
    expect(sameAgain.status).toBe(400);
    expect((await errorOf(sameAgain)).issues).toEqual(['newPassword: must differ from the current password']);

    await colleague.json('POST', '/api/auth/password', { newPassword: PASSWORD });
    expect((await colleague.json<AuthStatus>('GET', '/api/auth/me')).instructor?.mustChangePassword).toBe(false);
    // The clinic's library is shared: a new account has no copies of its own, and reads the same library.
    expect(await colleague.json<Sequence[]>('GET', '/api/sequences')).toEqual([]);
    const ids = (library: Sequence[]) => library.map((s) => s.id);
    expect(ids(await colleague.json<Sequence[]>('GET', '/api/library'))).toEqual(ids(await lead.json<Sequence[]>('GET', '/api/library')));
    expect(await server.storage.accounts.findByEmail('third@clinic.test')).toBeNull();

    const oldPassword = await httpClient(server.url).request('POST', '/api/auth/signin', { email: 'colleague@clinic.test', password: 'one-time-password' });
    expect(oldPassword.status).toBe(401);
    await httpClient(server.url).json('POST', '/api/auth/signin', { email: 'COLLEAGUE@clinic.test', password: PASSWORD });
  });

  it('keeps e-mails unique whatever their case, and adding needs a signed-in instructor', async () => {
    const taken = await lead.request('POST', '/api/auth/instructors', { email: 'LEAD@clinic.test', password: 'one-time-password' });
    expect(taken.status).toBe(400);
    expect((await errorOf(taken)).issues).toEqual(['email: has an account already']);
    const bad = await lead.request('POST', '/api/auth/instructors', { email: 'nope', password: 'short' });
    expect(bad.status).toBe(400);
    const anonymous = await httpClient(server.url).request('POST', '/api/auth/instructors', { email: 'x@clinic.test', password: 'one-time-password' });
    expect(anonymous.status).toBe(401);
    expect(await server.storage.accounts.count()).toBe(1);
  });

  it('changes one’s own password with the current one, signing out the other sessions', async () => {
    const otherDevice = httpClient(server.url);
    await otherDevice.json('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: PASSWORD });

    const missing = await lead.request('POST', '/api/auth/password', { newPassword: 'a new password' });
    expect(missing.status).toBe(401);
    expect((await errorOf(missing)).issues).toEqual(['currentPassword: is wrong']);
    const wrong = await lead.request('POST', '/api/auth/password', { currentPassword: 'not it at all', newPassword: 'a new password' });
    expect(wrong.status).toBe(401);
    const short = await lead.request('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short' });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).issues).toEqual(['newPassword: must be 8-200 characters']);
    expect((await otherDevice.request('GET', '/api/sequences')).status).toBe(200);

    await lead.json('POST', '/api/auth/password', { currentPassword: PASSWORD, newPassword: 'a new password' });
    expect((await lead.request('GET', '/api/sequences')).status).toBe(200);
    expect((await otherDevice.request('GET', '/api/sequences')).status).toBe(401);
    expect((await httpClient(server.url).request('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: PASSWORD })).status).toBe(401);
    await httpClient(server.url).json('POST', '/api/auth/signin', { email: 'lead@clinic.test', password: 'a new password' });

    expect((await httpClient(server.url).request('POST', '/api/auth/password', { newPassword: 'whatever it is' })).status).toBe(401);
  });

  it('signs out: the session is gone on the server, not just the cookie', async () => {
    const cookie = lead.cookie;
    await lead.json('POST', '/api/auth/signout');
    expect((await httpClient(server.url, cookie).request('GET', '/api/sequences')).status).toBe(401);
    expect((await httpClient(server.url, cookie).json<AuthStatus>('GET', '/api/auth/me')).instructor).toBeNull();
  });

  it('lets each instructor see only their own classes', async () => {
    const colleague = await addColleague();
    const sequence = await lead.json<Sequence>('POST', '/api/sequences', neckSequence);
    const { class: opened } = await lead.json<ClassDetails>('POST', '/api/classes', { sequenceId: sequence.id });
    expect(await colleague.json<unknown[]>('GET', '/api/classes')).toEqual([]);
    expect((await colleague.request('GET', `/api/classes/${opened.classId}`)).status).toBe(404);
  });
});
