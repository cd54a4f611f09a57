/**
 * What the bench asks of its participants' process over the Node IPC channel, and what that process answers.
 * Requests carry an id; each gets exactly one reply with the same id, or an error message.
 */
import type { ChildProcess } from 'node:child_process';

/** One round of flags: what was sent and how the server acknowledged it. Times are `epochNow()` of the sender. */
export interface FlagRound {
  sent: number;
  acksOk: number;
  duplicates: number;
  /** Refusals by error code, and `timeout` for acks that never came. */
  errors: Record<string, number>;
  firstSentAt: number;
  lastSentAt: number;
  /** Emit → ack, per flag, in ms. */
  ackMs: number[];
}

/**
 * Each request and the data of its reply. Participants come in groups, one per server, so that both servers'
 * participants stay connected and the cue changes of the two can alternate.
 */
export interface Exchanges {
  /**
   * Opens `count` participant sockets to `url` (Attune or the bare server), a few at a time. A group may be
   * connected in several parts, each to its own process (`part`, default 0), so receipts can be told apart.
   */
  connect: {
    request: { group: string; url: string; code: string; count: number; part?: number };
    reply: { connected: number; failures: string[]; ms: number };
  };
  /**
   * Waits until every participant of the group has received the `class:state` of `revision` (or the time is
   * up) and answers when each did, as `epochNow()` of the participants' process, with the part of each.
   */
  receipts: {
    request: { group: string; revision: number; timeoutMs: number };
    reply: { receivedAt: number[]; cueIndexes: number[]; parts: number[] };
  };
  /** Every participant of the group sends one flag for `cueIndex`, the sends spread evenly over `spreadMs`. */
  flags: { request: { group: string; cueIndex: number; spreadMs: number }; reply: FlagRound };
  /** Sends again, with the same flag ids, every `every`-th flag of the group's last `flags` round. */
  resend: { request: { group: string; every: number; spreadMs: number }; reply: FlagRound };
  /** This process's `epochNow()`, for the clock-offset check. */
  clock: { request: Record<string, never>; reply: { now: number } };
  /** Closes every group's sockets. */
  disconnect: { request: Record<string, never>; reply: { disconnected: number } };
  /**
   * Opens `count` phones: the participant page's own client (client/src/lib/phone-socket.ts) with its default
   * reconnection delays, each a new participant of the class `code` at `url`, beside those opened before. Answers
   * once every one of them has connected and received the class's state (or the time is up), with how many did.
   */
  phonesConnect: { request: { url: string; code: string; count: number; timeoutMs: number }; reply: { ready: number; ms: number } };
  /** Waits until no phone is connected (their network was cut) and answers how many still were at the end. */
  phonesGone: { request: { timeoutMs: number }; reply: { stillConnected: number } };
  /**
   * What the page does on `online` and `visibilitychange`: `connect()` on every phone that is not connected,
   * cutting its reconnection delay short.
   */
  phonesNudge: { request: Record<string, never>; reply: { nudged: number } };
  /**
   * Waits until every phone has received a `class:state` of its class's `revision` or later (or the time is up)
   * and answers when each first did, as `epochNow()`; phones that did not are left out, and those whose state
   * showed another cue than their class's `cueIndex` are counted.
   */
  phonesBack: {
    request: { expected: { code: string; revision: number; cueIndex: number }[]; timeoutMs: number };
    reply: { receivedAt: number[]; wrongCue: number };
  };
  /** Closes every phone for good. */
  phonesClose: { request: Record<string, never>; reply: { closed: number } };
}

export type Kind = keyof Exchanges;
export type Request<K extends Kind = Kind> = { id: number; kind: K } & Exchanges[K]['request'];
export type Reply = { id: number; ok: true; data: unknown } | { id: number; ok: false; error: string };

/** The bench's side: sends requests to the participants' process and matches the replies. */
export function ipcClient(child: ChildProcess) {
  let nextId = 1;
  const waiting = new Map<number, { resolve: (data: unknown) => void; reject: (error: Error) => void }>();
  child.on('message', (message: Reply) => {
    const entry = waiting.get(message.id);
    if (!entry) return;
    waiting.delete(message.id);
    if (message.ok) entry.resolve(message.data);
    else entry.reject(new Error(`participants' process: ${message.error}`));
  });
  child.once('exit', (code) => {
    for (const entry of waiting.values()) entry.reject(new Error(`participants' process exited with ${code}`));
    waiting.clear();
  });
  return {
    ask<K extends Kind>(kind: K, request: Exchanges[K]['request']): Promise<Exchanges[K]['reply']> {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve: resolve as (data: unknown) => void, reject });
        child.send({ id, kind, ...request });
      });
    },
  };
}

export type Handlers = { [K in Kind]: (request: Exchanges[K]['request']) => Promise<Exchanges[K]['reply']> };

/** The participants' side: answers each request with its handler; exits when the bench goes away. */
export function serveIpc(handlers: Handlers): void {
  const send = process.send!.bind(process);
  process.on('message', (message: Request) => {
    const handler = handlers[message.kind] as (request: unknown) => Promise<unknown>;
    handler(message).then(
      (data) => send({ id: message.id, ok: true, data } satisfies Reply),
      (error: unknown) => send({ id: message.id, ok: false, error: error instanceof Error ? error.message : String(error) } satisfies Reply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
