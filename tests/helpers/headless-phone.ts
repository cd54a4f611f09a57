/**
 * A phone without a browser: the participant page's own socket client (`PhoneSocket` over the `ws` package) and
 * its delivery policy (`client/src/lib/delivery-policy.ts`: outbox, retry timing, folding, resending on
 * reconnect), the very module the page uses, with the outbox kept in memory instead of localStorage. It counts
 * what it made and how each attempt went, so tests with many phones (the chaos test) can compare what the phones
 * made with what the server stored.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket as NodeWebSocket } from 'ws';
import type { ApiError } from '../../shared/errors.js';
import type { PublicClassState } from '../../shared/schemas/class.js';
import type { FlagKind, FlagSubmit } from '../../shared/schemas/flag.js';
import { DeliveryQueue } from '../../client/src/lib/delivery-policy.js';
import type { OutboxMessage, OutboxStore } from '../../client/src/lib/outbox.js';
import { PhoneSocket } from '../../client/src/lib/phone-socket.js';

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

  const outbox = new DeliveryQueue(memory, () => (isClosed ? null : socket), {
    onAttempt(_message, attempt) {
      if (attempt.outcome === 'acknowledged' && (attempt.data as { duplicate?: boolean } | null)?.duplicate) stats.duplicates++;
      if (attempt.outcome === 'refused') stats.refused.push(attempt.error);
      if (attempt.outcome === 'retry' && attempt.code === 'rate/limited') stats.limited++;
    },
  });
  socket.on('connect', () => {
    stats.connects++;
    outbox.connected();
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
      const flag: FlagSubmit = { flagId: randomUUID(), cueIndex: state.cueIndex, revision: state.revision, kind };
      made.push(flag);
      outbox.send({ event: 'flag:submit', payload: flag });
      return flag;
    },
    close() {
      isClosed = true;
      outbox.dispose();
      socket.disconnect();
    },
  };
}
