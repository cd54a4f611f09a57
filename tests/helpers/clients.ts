/** Real clients against a test server: an instructor over HTTP with a cookie, sockets for both roles. */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientEvent, ClientToServerEvents, Handshake, ServerToClientEvents } from '../../shared/protocol.js';
import { expect } from 'vitest';
import type { ClassCommand, ClassDetails, InstructorClassState } from '../../shared/schemas/class.js';
import { waitFor } from './wait-for.js';
import type { Sequence } from '../../shared/schemas/sequence.js';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const received = new WeakMap<TestSocket, Map<string, unknown>>();

/** The latest payload of a server event on this socket, recorded from before the handshake completed. */
export function last<E extends keyof ServerToClientEvents>(socket: TestSocket, event: E): Parameters<ServerToClientEvents[E]>[0] | undefined {
  return received.get(socket)?.get(event) as never;
}

export interface Instructor {
  cookie: string;
  request(method: string, path: string, body?: unknown): Promise<Response>;
  json<T>(method: string, path: string, body?: unknown): Promise<T>;
}

/** An HTTP client that keeps the session cookie it is given. */
export function httpClient(url: string, cookie = ''): Instructor {
  const client: Instructor = {
    cookie,
    async request(method, path, body) {
      const response = await fetch(url + path, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(client.cookie ? { cookie: client.cookie } : {}) },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) client.cookie = setCookie.split(';')[0]!;
      return response;
    },
    async json(method, path, body) {
      const response = await client.request(method, path, body);
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as never;
    },
  };
  return client;
}

export async function signUp(url: string, email = 'lead@clinic.test'): Promise<Instructor> {
  const client = httpClient(url);
  await client.json('POST', '/api/auth/signup', { email, password: 'correct horse battery' });
  return client;
}

/** Opens a class from the instructor's first own sequence, else from the clinic library's first. */
export async function openClass(instructor: Instructor): Promise<ClassDetails> {
  const [own] = await instructor.json<Sequence[]>('GET', '/api/sequences');
  const sequenceId = own?.id ?? (await instructor.json<Sequence[]>('GET', '/api/library'))[0]!.id;
  return instructor.json<ClassDetails>('POST', '/api/classes', { sequenceId });
}

const sockets: TestSocket[] = [];

/** Connects and resolves once the server accepted the handshake; rejects with the server's error. */
export function connect(url: string, auth: Handshake, cookie?: string, options: { reconnects?: boolean } = {}): Promise<TestSocket> {
  const socket: TestSocket = io(url, {
    auth,
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnects ?? false,
    reconnectionDelay: 50,
    reconnectionDelayMax: 500,
    extraHeaders: cookie ? { cookie } : {},
  });
  sockets.push(socket);
  const events = new Map<string, unknown>();
  received.set(socket, events);
  socket.onAny((event: string, payload: unknown) => events.set(event, payload));
  // A reconnecting socket forgets what it heard when it drops: what `last()` answers came from the new connection.
  if (options.reconnects) socket.on('disconnect', () => events.clear());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(Object.assign(error, { data: (error as { data?: unknown }).data })));
  });
}

export function connectParticipant(url: string, code: string, token = randomUUID()): Promise<TestSocket> {
  return connect(url, { role: 'participant', code, token });
}

export function connectInstructor(url: string, instructor: Instructor, classId: string, options: { reconnects?: boolean } = {}): Promise<TestSocket> {
  return connect(url, { role: 'instructor', classId }, instructor.cookie, options);
}

/** What a client sends with event `E`, by the contract. */
export type PayloadOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0];
/** The acknowledgement the server answers event `E` with, by the contract. */
export type AckOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0];

/**
 * Emits a client event of the contract and resolves with its acknowledgement, typed by shared/protocol.ts: a
 * wrong event name or a payload of the wrong shape fails to compile. Deliberately bad input goes through
 * `emitUnchecked`.
 */
export function emitAck<E extends ClientEvent>(socket: TestSocket, event: E, payload: PayloadOf<E>): Promise<AckOf<E>> {
  return emitUnchecked(socket, event, payload) as Promise<AckOf<E>>;
}

/**
 * Emits anything (an unknown event, a payload the schema refuses) and resolves with whatever is acknowledged:
 * for tests of bad input, and for the bench's own events on the bare server.
 */
export function emitUnchecked<T = unknown>(socket: { emit: (...args: never[]) => unknown }, event: string, payload: unknown): Promise<Ack<T>> {
  return new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));
}

export function closeAllSockets(): void {
  for (const socket of sockets.splice(0)) socket.disconnect();
}

/**
 * Sends an instructor's command at the revision the tablet last saw, and waits until the tablet shows the
 * resulting state; throws with the server's error code when it is refused.
 */
export async function sendCommand<T extends ClassCommand['type']>(
  tablet: TestSocket,
  type: T,
  extra: Omit<Extract<ClassCommand, { type: T }>, 'type' | 'revision'> = {} as never,
): Promise<InstructorClassState> {
  const revision = last(tablet, 'class:instructor-state')!.revision;
  const ack = await emitAck(tablet, 'class:command', { type, revision, ...extra } as ClassCommand);
  if (!ack.ok) throw new Error(`${type}: ${ack.error.code} ${ack.error.message}`);
  await waitFor(() => expect(last(tablet, 'class:instructor-state')?.revision).toBe(ack.data.revision));
  return ack.data;
}
