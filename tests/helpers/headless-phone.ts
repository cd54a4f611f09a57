/**
 * A phone without a browser: the participant page's own socket client (`PhoneSocket` over the `ws` package) and
 * its outbox (`client/src/lib/outbox.ts`, kept in memory instead of localStorage), delivering the way the page
 * does (participant-class.svelte.ts): in order, one at a time, retrying until acknowledged, dropping only what
 * the server refuses for good. It counts what it made and how each delivery went, so tests with many phones
 * (the chaos test) can compare what the phones made with what the server stored.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket as NodeWebSocket } from 'ws';
import type { ApiError } from '../../shared/errors.js';
import type { PublicClassState } from '../../shared/schemas/class.js';
import type { FlagKind, FlagSubmit } from '../../shared/schemas/flag.js';
import { Outbox, type Delivery, type OutboxMessage, type OutboxStore } from '../../client/src/lib/outbox.js';
import { PhoneSocket } from '../../client/src/lib/phone-socket.js';

/** The page's own timings and final refusals (participant-class.svelte.ts). */
const ACK_TIMEOUT_MS = 4000;
const RETRY_DELAY_MS = 1500;
const FINAL_REFUSALS = new Set(['input/invalid', 'flag/invalid_cue', 'auth/forbidden', 'class/not_found']);

export interface HeadlessPhone {
  readonly token: string;
  readonly socket: PhoneSocket;
  /** The latest class state the phone received. */
  readonly state: PublicClassState | null;
  /** Flags tapped on this phone, in order. */
  readonly made: FlagSubmit[];
  /** Messages in the outbox, not yet acknowledged. */
  readonly unsent: number;
  readonly stats: PhoneStats;
  /** Taps Tension or Relief for the cue on screen (like the page: only once the class has a cue). */
  flag(kind: FlagKind): FlagSubmit | null;
  close(): void;
}

export interface PhoneStats {
  connects: number;
  /** Acknowledged as already stored: a retry of a delivery whose first acknowledgement was lost. */
  duplicates: number;
  /** Answered `rate/limited`, then retried. */
  limited: number;
  /** Refused for good (these flags are lost, which no test should see). */
  refused: ApiError[];
  /** Handshakes refused, by error code. */
  connectErrors: string[];
}

export function headlessPhone(url: string, code: string, token = randomUUID()): HeadlessPhone {
  const socket = new PhoneSocket(
    { role: 'participant', code, token },
    { url, WebSocket: NodeWebSocket as unknown as typeof WebSocket, reconnectDelayMs: 100, reconnectDelayMaxMs: 1000 },
  );
  const stats: PhoneStats = { connects: 0, duplicates: 0, limited: 0, refused: [], connectErrors: [] };
  const made: FlagSubmit[] = [];
  let state: PublicClassState | null = null;
  let isClosed = false;

  let saved: OutboxMessage[] = [];
  const memory: OutboxStore = { load: () => saved, save: (messages) => void (saved = [...messages]) };

  async function deliver(message: OutboxMessage): Promise<Delivery> {
    if (!socket.connected) return 'retry';
    try {
      const ack = await socket.emitWithAck(message.event, message.payload as never, ACK_TIMEOUT_MS);
      if (ack.ok) {
        if ((ack.data as { duplicate?: boolean }).duplicate) stats.duplicates++;
        return 'done';
      }
      if (FINAL_REFUSALS.has(ack.error.code)) {
        stats.refused.push(ack.error);
        return 'done';
      }
      if (ack.error.code === 'rate/limited') stats.limited++;
    } catch {
      // No acknowledgement in time: it goes again on reconnect, or after the retry delay.
    }
    if (socket.connected && !isClosed) setTimeout(() => void outbox.flush(), RETRY_DELAY_MS);
    return 'retry';
  }

  const outbox = new Outbox(memory, deliver);
  socket.on('connect', () => {
    stats.connects++;
    void outbox.flush();
  });
  socket.on('connect_error', (error) => stats.connectErrors.push((error.data as { code?: string } | undefined)?.code ?? 'unknown'));
  socket.on('class:state', (next) => void (state = next));
  socket.connect();

  return {
    token,
    socket,
    get state() {
      return state;
    },
    made,
    get unsent() {
      return outbox.size;
    },
    stats,
    flag(kind) {
      if (!state || state.cueIndex < 0 || state.status === 'lobby') return null;
      const flag: FlagSubmit = { flagId: randomUUID(), cueIndex: state.cueIndex, kind };
      made.push(flag);
      outbox.add({ event: 'flag:submit', payload: flag });
      if (socket.connected) void outbox.flush();
      return flag;
    },
    close() {
      isClosed = true;
      socket.disconnect();
    },
  };
}
