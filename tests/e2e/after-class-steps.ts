/** Steps the after-class stories share: a signed-in desk, the class it opens, whole classes run over sockets. */
import type { Page } from '@playwright/test';
import type { ClassDetails } from '../../shared/schemas/class.js';
import type { Sequence } from '../../shared/schemas/sequence.js';
import { closeAllSockets, connectInstructor, connectParticipant, emitAck, httpClient, last, type TestSocket } from '../helpers/clients.js';
import { waitFor } from '../helpers/wait-for.js';
import { expect } from './fixtures.js';

/** The whole page, not just the viewport (these pages are long), which must not run off the side. */
export async function fullScreenshot(page: Page, name: string): Promise<void> {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.table-scroll, .visually-hidden'))
      .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
      .slice(0, 5);
  });
  expect(overflow, `${name}: wider than the page`).toEqual([]);
  await page.screenshot({ path: `tests/e2e/.screens/${name}.png`, fullPage: true });
}

/** What the browser refuses under the server's Content-Security-Policy, as it says so on the console. */
export function watchPolicy(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}

const credentials = { email: 'lead@clinic.test', password: 'correct horse battery' };

/** Signs the tablet's browser in (creating the first account on the first call) and returns its cookie. */
export async function signIn(page: Page, url: string): Promise<string> {
  const signup = await page.request.post(`${url}/api/auth/signup`, { data: credentials });
  if (!signup.ok()) expect((await page.request.post(`${url}/api/auth/signin`, { data: credentials })).ok()).toBe(true);
  const session = (await page.context().cookies()).find((c) => c.name === 'attune_session');
  return `attune_session=${session!.value}`;
}

export async function firstEnglishSequence(page: Page, url: string): Promise<Sequence> {
  const sequences = (await (await page.request.get(`${url}/api/library`)).json()) as Sequence[];
  return sequences.find((s) => s.language === 'en')!;
}

export async function openClassOf(page: Page, url: string, sequenceId: string): Promise<ClassDetails['class']> {
  const details = (await (await page.request.post(`${url}/api/classes`, { data: { sequenceId } })).json()) as ClassDetails;
  return details.class;
}

/** Runs a class of `phones` over sockets: cue 1 tension from all but one, relief from one; feedback from all. */
export async function runClassOverSockets(url: string, cookie: string, sequenceId: string, phones: number, rating: number): Promise<void> {
  const instructor = httpClient(url, cookie);
  const { class: opened } = await instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId });
  const tablet = await connectInstructor(url, instructor, opened.classId);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')).toBeDefined());
  const participants: TestSocket[] = [];
  for (let i = 0; i < phones; i++) participants.push(await connectParticipant(url, opened.code));
  const command = async (type: 'start' | 'next' | 'previous' | 'end') => {
    const ack = await emitAck(tablet, 'class:command', { type, revision: last(tablet, 'class:instructor-state')!.revision });
    expect(ack.ok).toBe(true);
    await waitFor(() => expect(last(tablet, 'class:instructor-state')!.revision).toBe((ack as { data: { revision: number } }).data.revision));
  };
  await command('start');
  for (const [i, phone] of participants.entries()) {
    const kind = i === 0 ? 'relief' : 'tension';
    expect((await emitAck(phone, 'flag:submit', { flagId: crypto.randomUUID(), cueIndex: 0, kind })).ok).toBe(true);
  }
  await command('end');
  for (const phone of participants) expect((await emitAck(phone, 'feedback:submit', { feeling: 'better', rating })).ok).toBe(true);
  closeAllSockets();
}
