/**
 * The phone's own Socket.IO client against the real server: handshake, events, acknowledgements, refusals
 * and reconnection — the protocol parts it implements instead of shipping socket.io-client.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import type { PublicClassState } from '../../shared/schemas/class.js';
import { PhoneSocket } from '../../client/src/lib/phone-socket.js';
import { closeAllSockets, connectInstructor, emitAck, openClass, signUp } from '../helpers/clients.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';
import { waitFor } from '../helpers/wait-for.js';

let server: TestServer;
const phones: PhoneSocket[] = [];

beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  phones.splice(0).forEach((phone) => phone.disconnect());
  closeAllSockets();
  await server.close();
});

function phone(code: string, token = randomUUID()) {
  const socket = new PhoneSocket(
    { role: 'participant', code, token },
    { url: server.url, WebSocket: NodeWebSocket as unknown as typeof WebSocket, reconnectDelayMs: 50 },
  );
  phones.push(socket);
  const seen: { states: PublicClassState[]; connects: number; errors: unknown[] } = { states: [], connects: 0, errors: [] };
  socket.on('class:state', (state) => seen.states.push(state));
  socket.on('connect', () => seen.connects++);
  socket.on('connect_error', (error) => seen.errors.push(error.data));
  return { socket: socket.connect(), seen };
}

describe('the phone socket', () => {
  it('joins with its handshake, receives the state, and gets acknowledgements', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const { socket, seen } = phone(opened.code);
    await waitFor(() => expect(seen.states.at(-1)?.status).toBe('lobby'));
    expect(socket.connected).toBe(true);

    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await emitAck(tablet, 'class:command', { type: 'start', revision: 0 });
    await waitFor(() => expect(seen.states.at(-1)).toMatchObject({ status: 'running', cueIndex: 0 }));

    const ack = await socket.emitWithAck('flag:submit', { flagId: randomUUID(), cueIndex: 0, kind: 'relief' }, 2000);
    expect(ack).toEqual({ ok: true, data: { duplicate: false } });
    const refused = await socket.emitWithAck('flag:submit', { flagId: 'nope', cueIndex: 0, kind: 'relief' } as never, 2000);
    expect(refused).toMatchObject({ ok: false, error: { code: 'input/invalid' } });
    expect(await server.storage.flags.tally(opened.classId)).toEqual([{ cueIndex: 0, tension: 0, relief: 1, participants: 1 }]);
  });

  it('reports a refused handshake with the server’s error code', async () => {
    const { seen } = phone('ZZZZZZ');
    await waitFor(() => expect(seen.errors[0]).toMatchObject({ code: 'class/not_found' }));
    expect(seen.connects).toBe(0);
  });

  it('reconnects by itself after a server restart, as the same participant', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const { socket, seen } = phone(opened.code);
    await waitFor(() => expect(seen.connects).toBe(1));
    await server.restart();
    await waitFor(() => expect(seen.connects).toBe(2));
    expect(socket.connected).toBe(true);
    expect(await server.storage.participants.count(opened.classId)).toBe(1);
  });

  it('refuses to send while not connected, and fails a pending acknowledgement when the connection drops', async () => {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const { socket } = phone(opened.code);
    await expect(socket.emitWithAck('alert:raise', { alertId: randomUUID() }, 1000)).rejects.toThrow('not connected');
    await waitFor(() => expect(socket.connected).toBe(true));
    // An answer that can no longer come fails at once, not after its timeout: the outbox resends on reconnect.
    const inFlight = socket.emitWithAck('alert:raise', { alertId: randomUUID() }, 60_000);
    const started = Date.now();
    socket.disconnect();
    await expect(inFlight).rejects.toThrow('disconnected');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up an opening handshake that is never answered, and a nudge starts a fresh attempt at once', async () => {
    // A server that accepts connections and never answers: a network that swallows packets.
    const held: Socket[] = [];
    const blackhole = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(blackhole.address() as AddressInfo).port}`;
    const socket = new PhoneSocket(
      { role: 'participant', code: 'ABCDEF', token: randomUUID() },
      { url, WebSocket: NodeWebSocket as unknown as typeof WebSocket },
    );
    phones.push(socket);
    try {
      socket.connect();
      await waitFor(() => expect(held).toHaveLength(1));
      // The network "comes back": the pending attempt is dropped for a new one, without waiting.
      socket.connect();
      await waitFor(() => expect(held).toHaveLength(2), { timeoutMs: 500 });
      // Left alone, a hanging attempt is given up after its timeout and tried again.
      await waitFor(() => expect(held.length).toBeGreaterThanOrEqual(3), { timeoutMs: 6000 });
      expect(socket.connected).toBe(false);
    } finally {
      socket.disconnect();
      held.forEach((s) => s.destroy());
      await new Promise((resolve) => blackhole.close(resolve));
    }
  });
});
