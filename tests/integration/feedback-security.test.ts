/**
 * Feedback cannot be timed (issue 12, item 5c). Before: polling the summary every 150 ms during the feedback
 * window dated each new answer and tied its comment, rating and feeling together. Now the summary, the history
 * score and the exports publish feedback only once the window has closed, all answers at once; until then the
 * summary counts the answers only in whole steps of K.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, expect, it } from 'vitest';
import type { ClassHistoryPage, ClassSummary } from '../../shared/schemas/summary.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, last, openClass, sendCommand, signUp } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer | undefined;
afterEach(async () => {
  closeAllSockets();
  await server?.close();
});

it('a summary polled every 150 ms while answers come in shows none of them until the window closes, then all at once', async () => {
  server = await startTestServer({ feedbackWindowMinutes: 0.1 }); // 6 s
  const lead = await signUp(server.url);
  await lead.json('POST', '/api/settings/summary', { summaryThreshold: 2 });
  const { class: opened } = await openClass(lead);
  const tablet = await connectInstructor(server.url, lead, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const phones = await Promise.all([1, 2, 3].map(() => connectParticipant(server!.url, opened.code, randomUUID())));
  await sendCommand(tablet, 'start');
  await sendCommand(tablet, 'end');

  const seen: { feedback: unknown; isPending: boolean; soFar: number | null; score: number | null; historyAt: number }[] = [];
  let isPolling = true;
  const poll = (async () => {
    while (isPolling) {
      const summary = await lead.json<ClassSummary>('GET', `/api/classes/${opened.classId}/summary`);
      const history = await lead.json<ClassHistoryPage>('GET', '/api/history');
      seen.push({ feedback: summary.feedback, isPending: summary.isFeedbackPending, soFar: summary.feedbackSoFar, score: history.items[0]!.feedbackScore, historyAt: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  })();
  for (const [i, phone] of phones.entries()) {
    expect(await emitAck(phone, 'feedback:submit', { feeling: 'better', rating: 3 + i, comment: `comment ${i}` })).toEqual({ ok: true, data: {} });
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
  const closesAt = (await server.storage.classes.get(opened.classId))!.feedbackClosesAt!;
  await waitFor(() => expect(Date.now()).toBeGreaterThan(closesAt + 400), { timeoutMs: 10_000, intervalMs: 100 });
  isPolling = false;
  await poll;

  const before = seen.filter((s) => s.isPending);
  const after = seen.filter((s) => !s.isPending);
  expect(before.length).toBeGreaterThan(3);
  // While the window was open, every poll saw the same: nothing.
  expect(before.every((s) => s.feedback === null)).toBe(true);
  expect(seen.filter((s) => s.historyAt < closesAt).every((s) => s.score === null)).toBe(true);
  // The count so far moves only in whole steps of K (2 here): never 1 or 3, so it dates no single answer.
  expect(new Set(before.map((s) => s.soFar))).toEqual(new Set([0, 2]));
  // Once it closed, all three answers together.
  expect(after.length).toBeGreaterThan(0);
  expect(after[0]!.feedback).toMatchObject({ answers: 3, meanRating: 4 });
  expect(seen.at(-1)!.score).toBe(4);
  const csv = await (await lead.request('GET', `/api/classes/${opened.classId}/summary.csv`)).text();
  expect(csv).toContain('comment 1');
});
