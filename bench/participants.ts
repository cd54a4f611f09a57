/**
 * The participants' process: up to a thousand socket.io-client sockets per server, one per simulated phone,
 * kept out of the bench's own process so that timing the instructor's tap and receiving the broadcast do not
 * share an event loop. It records when each `class:state` arrives and sends flags on request (see ipc.ts).
 * For the reconnection figures it also runs phones with the page's own client (phones.ts).
 */
import { randomUUID } from 'node:crypto';
import type { PublicClassState } from '../shared/schemas/class.js';
import type { FlagSubmit } from '../shared/schemas/flag.js';
import { closeAllSockets, connect, type TestSocket } from '../tests/helpers/clients.js';
import { epochNow } from './clock.js';
import { serveIpc, type FlagRound } from './ipc.js';
import { phoneHandlers } from './phones.js';

/** Handshakes at once: enough to connect a thousand in seconds, few enough not to time out. */
const CONNECT_CONCURRENCY = 50;
const ACK_TIMEOUT_MS = 10_000;

interface Receipts {
  receivedAt: number[];
  cueIndexes: number[];
  parts: number[];
}

/** The participants of one server. */
interface Group {
  sockets: TestSocket[];
  receipts: Map<number, Receipts>;
  onComplete: Map<number, () => void>;
  lastRound: { socket: TestSocket; flag: FlagSubmit }[];
}

const groups = new Map<string, Group>();

function groupOf(name: string): Group {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { sockets: [], receipts: new Map(), onComplete: new Map(), lastRound: [] }));
  return group;
}

function record(group: Group, part: number, state: PublicClassState): void {
  const receivedAt = epochNow();
  let entry = group.receipts.get(state.revision);
  if (!entry) group.receipts.set(state.revision, (entry = { receivedAt: [], cueIndexes: [], parts: [] }));
  entry.receivedAt.push(receivedAt);
  entry.cueIndexes.push(state.cueIndex);
  entry.parts.push(part);
  if (entry.receivedAt.length >= group.sockets.length) group.onComplete.get(state.revision)?.();
}

async function connectAll(group: Group, url: string, code: string, count: number, part: number) {
  const startedAt = epochNow();
  const before = group.sockets.length;
  const failures: string[] = [];
  for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, () =>
      connect(url, { role: 'participant', code, token: randomUUID() }).then(
        (socket) => {
          socket.on('class:state', (state) => record(group, part, state));
          group.sockets.push(socket);
        },
        (error: Error) => void failures.push(error.message),
      ),
    );
    await Promise.all(batch);
  }
  return { connected: group.sockets.length - before, failures: failures.slice(0, 5), ms: epochNow() - startedAt };
}

async function waitForReceipts(group: Group, revision: number, timeoutMs: number): Promise<Receipts> {
  const entry = group.receipts.get(revision);
  if (!entry || entry.receivedAt.length < group.sockets.length) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      group.onComplete.set(revision, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
  group.onComplete.delete(revision);
  const done = group.receipts.get(revision) ?? { receivedAt: [], cueIndexes: [], parts: [] };
  // Older revisions are done with; dropping them keeps a long run's memory flat.
  for (const older of group.receipts.keys()) if (older <= revision) group.receipts.delete(older);
  return done;
}

/** Emits each flag at its slot in `spreadMs` and gathers the acks. */
function sendFlags(round: Group['lastRound'], spreadMs: number): Promise<FlagRound> {
  const result: FlagRound = { sent: 0, acksOk: 0, duplicates: 0, errors: {}, firstSentAt: NaN, lastSentAt: NaN, ackMs: [] };
  const countError = (code: string) => (result.errors[code] = (result.errors[code] ?? 0) + 1);
  return new Promise((resolve) => {
    let answered = 0;
    const settle = () => ++answered === round.length && resolve(result);
    round.forEach(({ socket, flag }, i) => {
      setTimeout(() => {
        const sentAt = epochNow();
        if (result.sent++ === 0) result.firstSentAt = sentAt;
        result.lastSentAt = sentAt;
        socket.timeout(ACK_TIMEOUT_MS).emit('flag:submit', flag, (error, ack) => {
          if (error) countError('timeout');
          else if (!ack.ok) countError(ack.error.code);
          else {
            result.acksOk++;
            if (ack.data.duplicate) result.duplicates++;
            result.ackMs.push(epochNow() - sentAt);
          }
          settle();
        });
      }, (i * spreadMs) / round.length);
    });
    if (round.length === 0) resolve(result);
  });
}

serveIpc({
  connect: ({ group, url, code, count, part = 0 }) => connectAll(groupOf(group), url, code, count, part),
  receipts: ({ group, revision, timeoutMs }) => waitForReceipts(groupOf(group), revision, timeoutMs),
  flags: ({ group: name, cueIndex, spreadMs }) => {
    const group = groupOf(name);
    group.lastRound = group.sockets.map((socket, i) => ({
      socket,
      flag: { flagId: randomUUID(), cueIndex, kind: i % 2 === 0 ? 'tension' : 'relief' },
    }));
    return sendFlags(group.lastRound, spreadMs);
  },
  resend: ({ group, every, spreadMs }) => sendFlags(groupOf(group).lastRound.filter((_, i) => i % every === 0), spreadMs),
  clock: async () => ({ now: epochNow() }),
  disconnect: async () => {
    const disconnected = [...groups.values()].reduce((sum, group) => sum + group.sockets.length, 0);
    closeAllSockets();
    groups.clear();
    return { disconnected };
  },
  ...phoneHandlers,
});
