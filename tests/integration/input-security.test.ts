/**
 * Text that cannot be stored, and text that looks like a replacement pattern (issue 12, items 10 and 11).
 *
 * 10. PostgreSQL refuses NUL (and lone surrogates, which have no UTF-8 form) in text: before the shared schemas
 *     refused them, a NUL in a title, a cue, an imported file or a feedback comment gave 500/server/internal
 *     there. Run on PostgreSQL, where the bug showed, over HTTP and over the socket: a clear input/invalid naming
 *     the field, nothing written, and the same text without the bad character still works.
 * 11. The join page inserted the class state with a string replacement, so `$'`, `` $` `` or `$&` in a title or a
 *     cue was read as a pattern and broke the phone's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, last, openClass, sendCommand, signUp, type Instructor } from '../helpers/clients.js';
import { createTestSchema, type TestSchema } from '../helpers/postgres-schema.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

const BAD = [
  ['NUL', 'Breathe\u0000in'],
  ['a lone high surrogate', 'Breathe \uD83D in'],
  ['a lone low surrogate', 'Breathe \uDE00 in'],
] as const;

describe('text PostgreSQL cannot store (on PostgreSQL)', () => {
  let schema: TestSchema;
  let server: TestServer;
  let lead: Instructor;

  beforeAll(async () => {
    schema = await createTestSchema();
    server = await startTestServer({ databaseUrl: schema.url, feedbackWindowMinutes: 5 });
    lead = await signUp(server.url);
  });
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
    await schema?.drop();
  });

  const sequenceCount = async () => (await lead.json<Sequence[]>('GET', '/api/sequences')).length;

  it.each(BAD)('refuses %s in a title, a cue, a note and an imported file with input/invalid naming the field', async (_name, bad) => {
    const before = await sequenceCount();
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/sequences', { title: bad, language: 'en', cues: [{ text: 'Breathe' }] }, 'title'],
      ['POST', '/api/sequences', { title: 'Neck', language: 'en', cues: [{ text: bad }] }, 'cues[0].text'],
      ['POST', '/api/sequences', { title: 'Neck', language: 'en', cues: [{ text: 'Breathe', note: bad }] }, 'cues[0].note'],
      [
        'POST',
        '/api/sequences/import',
        JSON.stringify({ format: 'attune.sequence/v1', title: 'Imported', language: 'en', cues: [{ text: bad }] }),
        'cues[0].text',
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await lead.request(method, path, body);
      const answer = (await response.json()) as { error: { code: string; message: string; issues?: string[] } };
      expect(response.status, `${path} ${field}`).toBe(400);
      expect(answer.error.code).toBe('input/invalid');
      expect(answer.error.issues?.join('\n')).toContain(`${field}: must not contain NUL characters or unpaired surrogates`);
    }
    expect(await sequenceCount()).toBe(before);
    // The same text without the bad character is stored as usual: the refusal is about the character.
    const good = await lead.request('POST', '/api/sequences', { title: bad.replace(/[\u0000\uD800-\uDFFF]/g, ''), language: 'en', cues: [{ text: 'ok' }] });
    expect(good.status).toBe(201);
  });

  it('keeps a properly paired emoji (a surrogate pair) as it is', async () => {
    const created = await lead.json<Sequence>('POST', '/api/sequences', { title: 'Breathe 😀 in', language: 'en', cues: [{ text: '🫁 slowly' }] });
    expect((await lead.json<Sequence>('GET', `/api/sequences/${created.id}`)).title).toBe('Breathe 😀 in');
  });

  it('refuses a NUL in a feedback comment and in handshake fields over the socket, with a clear error and nothing stored', async () => {
    const { class: opened } = await openClass(lead);
    const tablet = await connectInstructor(server.url, lead, opened.classId);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    await sendCommand(tablet, 'start');
    const phone = await connectParticipant(server.url, opened.code);
    await sendCommand(tablet, 'end');
    for (const [, bad] of BAD) {
      const ack = await emitAck(phone, 'feedback:submit', { feeling: 'better', rating: 4, comment: bad });
      expect(ack).toMatchObject({ ok: false, error: { code: 'input/invalid', issues: [expect.stringContaining('comment: must not contain NUL')] } });
    }
    expect(await server.storage.feedback.list(opened.classId)).toEqual([]);
    expect(await emitAck(phone, 'feedback:submit', { feeling: 'better', rating: 4, comment: 'Thank you' })).toEqual({ ok: true, data: {} });
    // The handshake's text fields: input/invalid, not server/internal.
    const refused = await connectParticipant(server.url, `AB\u0000CD`).catch((error: { data?: { code: string } }) => error.data);
    expect(refused).toMatchObject({ code: 'input/invalid' });
    const refusedTablet = await connectInstructor(server.url, lead, `${opened.classId}\u0000`).catch((error: { data?: { code: string } }) => error.data);
    expect(refusedTablet).toMatchObject({ code: 'input/invalid' });
    expect((await lead.request('POST', '/api/classes', { sequenceId: `x\u0000y` })).status).toBe(400);
  });
});

describe('the join page and replacement patterns', () => {
  let server: TestServer;
  afterAll(async () => {
    closeAllSockets();
    await server?.close();
  });

  it("carries a title and a cue with $', $` and $& unchanged, and the page stays whole", async () => {
    server = await startTestServer();
    const lead = await signUp(server.url);
    const title = "Costs $' and $` and $& and $$ and $1";
    const cue = "Let go $' of the $` shoulders $&";
    const sequence = await lead.json<Sequence>('POST', '/api/sequences', { title, language: 'en', cues: [{ text: cue }] });
    const opened = await lead.json<{ class: { classId: string; code: string } }>('POST', '/api/classes', { sequenceId: sequence.id });
    const tablet = await connectInstructor(server.url, lead, opened.class.classId);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
    await sendCommand(tablet, 'start');
    const response = await fetch(`${server.url}/join/${opened.class.code}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const block = /<script type="application\/json" id="attune-initial-state">(.*?)<\/script>/s.exec(html);
    const state = JSON.parse(block![1]!) as { class: { title: string; cue: { text: string } } };
    expect(state.class.title).toBe(title);
    expect(state.class.cue.text).toBe(cue);
    // The rendered cue is the cue's text, HTML-escaped, and the page's own markup appears once, not duplicated.
    expect(html).toContain('Let go $&#39; of the $` shoulders $&#38;');
    expect(html.match(/<div id="app">/g)).toHaveLength(1);
    expect(html.match(/<title>/g)).toHaveLength(1);
    expect(html).not.toContain('<!--attune-initial-state-->');
  });
});
