/**
 * The phone's Socket.IO client: the few parts of the Socket.IO 4 protocol (Engine.IO 4 over WebSocket only)
 * that the participant page uses — connect with `auth`, events, acknowledgements, heartbeats, reconnection.
 * socket.io-client does all this and far more, but weighs ~11 KB gzipped, a third of the phone's 35 KB budget;
 * this is ~1.5 KB. The tablet keeps socket.io-client. Protocol: https://socket.io/docs/v4/socket-io-protocol/
 */
import type { Ack, ClientToServerEvents, Handshake, ServerToClientEvents } from '../../../shared/protocol.js';

/** How long an opening handshake may take before the attempt is given up and retried. */
const OPEN_TIMEOUT_MS = 4000;

/** Engine.IO packet types (the first character of every WebSocket frame). */
const EIO = { open: '0', close: '1', ping: '2', pong: '3', message: '4' } as const;
/** Socket.IO packet types (the character after an Engine.IO message's `4`), default namespace. */
const SIO = { connect: '0', disconnect: '1', event: '2', ack: '3', connectError: '4' } as const;

/** A decoded Socket.IO packet of the default namespace. */
export type Packet =
  | { type: 'connect'; data: unknown }
  | { type: 'disconnect' }
  | { type: 'event'; id: number | null; name: string; args: unknown[] }
  | { type: 'ack'; id: number; args: unknown[] }
  | { type: 'connectError'; data: unknown };

/** Decodes the Socket.IO packet inside an Engine.IO message (the frame without its leading `4`). */
export function decodePacket(text: string): Packet | null {
  const type = text[0];
  const match = /^(\d*)(.*)$/s.exec(text.slice(1));
  const id = match?.[1] ? Number(match[1]) : null;
  const body = match?.[2] ? (JSON.parse(match[2]) as unknown) : undefined;
  switch (type) {
    case SIO.connect:
      return { type: 'connect', data: body };
    case SIO.disconnect:
      return { type: 'disconnect' };
    case SIO.event: {
      const [name, ...args] = body as [string, ...unknown[]];
      return { type: 'event', id, name, args };
    }
    case SIO.ack:
      return id === null ? null : { type: 'ack', id, args: body as unknown[] };
    case SIO.connectError:
      return { type: 'connectError', data: body };
    default:
      return null;
  }
}

/** Encodes an event (with an ack id when an answer is wanted) as an Engine.IO message frame. */
export function encodeEvent(name: string, payload: unknown, ackId: number | null): string {
  return `${EIO.message}${SIO.event}${ackId ?? ''}${JSON.stringify([name, payload])}`;
}

export function encodeConnect(auth: unknown): string {
  return `${EIO.message}${SIO.connect}${JSON.stringify(auth)}`;
}

type Listener = (payload: never) => void;
type LifecycleEvents = {
  connect: () => void;
  disconnect: () => void;
  connect_error: (error: Error & { data?: unknown }) => void;
};

export interface PhoneSocketOptions {
  /** Defaults to this page's origin. */
  url?: string;
  /** The WebSocket class: the browser's, or the `ws` package's in tests. */
  WebSocket?: typeof WebSocket;
  reconnectDelayMs?: number;
  reconnectDelayMaxMs?: number;
}

/** One connection to the class, re-established by itself until `disconnect()` is called. */
export class PhoneSocket {
  #ws: WebSocket | null = null;
  #isConnected = false;
  #isWanted = false;
  #attempt = 0;
  #nextAckId = 0;
  /** Answers awaited, by ack id: settled by the server's ack, a timeout, or the connection dropping. */
  #acks = new Map<number, { resolve: (args: unknown[]) => void; reject: (error: Error) => void }>();
  #listeners = new Map<string, Set<Listener>>();
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  #heartbeatMs = 45_000;

  constructor(
    private readonly auth: Handshake,
    private readonly options: PhoneSocketOptions = {},
  ) {}

  get connected(): boolean {
    return this.#isConnected;
  }

  on<E extends keyof ServerToClientEvents>(event: E, listener: ServerToClientEvents[E]): this;
  on<E extends keyof LifecycleEvents>(event: E, listener: LifecycleEvents[E]): this;
  on(event: string, listener: (payload: never) => void): this {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return this;
  }

  /**
   * Opens the connection now, cutting short any reconnection delay. An attempt still pending is dropped for a
   * fresh one: it may have gone out while the network was down and never be answered.
   */
  connect(): this {
    this.#isWanted = true;
    clearTimeout(this.#retryTimer);
    if (this.#ws && this.#isConnected) return this;
    if (this.#ws) {
      const pending = this.#ws;
      this.#onClose(pending);
      pending.close();
      clearTimeout(this.#retryTimer);
    }
    const base = new URL(this.options.url ?? location.href);
    const url = `${base.protocol === 'https:' ? 'wss' : 'ws'}://${base.host}/socket.io/?EIO=4&transport=websocket`;
    const ws = new (this.options.WebSocket ?? WebSocket)(url);
    ws.onmessage = (event) => this.#onFrame(String(event.data));
    ws.onclose = () => this.#onClose(ws);
    // Every error is followed by a close, which reconnects; nothing more to do here.
    ws.onerror = () => {};
    this.#ws = ws;
    // An attempt that hangs (a network that swallows packets) is given up, and the next one tried.
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => ws.close(), OPEN_TIMEOUT_MS);
    return this;
  }

  disconnect(): this {
    this.#isWanted = false;
    clearTimeout(this.#retryTimer);
    this.#ws?.close();
    this.#onClose(this.#ws);
    return this;
  }

  /** Sends an event and resolves with its acknowledgement; rejects when none comes within `timeoutMs`. */
  emitWithAck<E extends keyof ClientToServerEvents>(
    event: E,
    payload: Parameters<ClientToServerEvents[E]>[0],
    timeoutMs: number,
  ): Promise<Ack<unknown>> {
    return new Promise((resolve, reject) => {
      if (!this.#isConnected || !this.#ws) return reject(new Error('not connected'));
      const id = this.#nextAckId++;
      const timer = setTimeout(() => {
        this.#acks.delete(id);
        reject(new Error('ack timeout'));
      }, timeoutMs);
      this.#acks.set(id, {
        resolve: (args) => {
          clearTimeout(timer);
          resolve(args[0] as Ack<unknown>);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.#ws.send(encodeEvent(String(event), payload, id));
    });
  }

  #emitLocal(event: string, ...args: unknown[]): void {
    this.#listeners.get(event)?.forEach((listener) => (listener as (...a: unknown[]) => void)(...args));
  }

  #onFrame(frame: string): void {
    const ws = this.#ws;
    if (!ws) return;
    switch (frame[0]) {
      case EIO.open: {
        const { pingInterval, pingTimeout } = JSON.parse(frame.slice(1)) as { pingInterval: number; pingTimeout: number };
        this.#heartbeatMs = pingInterval + pingTimeout;
        this.#expectHeartbeat();
        ws.send(encodeConnect(this.auth));
        return;
      }
      case EIO.ping:
        this.#expectHeartbeat();
        ws.send(EIO.pong);
        return;
      case EIO.message:
        this.#onPacket(decodePacket(frame.slice(1)));
        return;
    }
  }

  #onPacket(packet: Packet | null): void {
    if (!packet) return;
    switch (packet.type) {
      case 'connect':
        this.#isConnected = true;
        this.#attempt = 0;
        this.#emitLocal('connect');
        return;
      case 'connectError': {
        const data = packet.data as { message?: string; data?: unknown } | undefined;
        this.#emitLocal('connect_error', Object.assign(new Error(data?.message ?? 'refused'), { data: data?.data }));
        this.#ws?.close();
        return;
      }
      case 'event':
        this.#emitLocal(packet.name, ...packet.args);
        return;
      case 'ack':
        this.#acks.get(packet.id)?.resolve(packet.args);
        this.#acks.delete(packet.id);
        return;
      case 'disconnect':
        this.#ws?.close();
    }
  }

  /** A server that stops pinging is gone, even if the network never said so (a phone waking from sleep). */
  #expectHeartbeat(): void {
    clearTimeout(this.#heartbeatTimer);
    this.#heartbeatTimer = setTimeout(() => this.#ws?.close(), this.#heartbeatMs);
  }

  #onClose(ws: WebSocket | null): void {
    if (!ws || ws !== this.#ws) return;
    this.#ws = null;
    clearTimeout(this.#heartbeatTimer);
    ws.onmessage = ws.onclose = null;
    const wasConnected = this.#isConnected;
    this.#isConnected = false;
    // An answer cannot come over a closed connection: fail at once, so the outbox resends on reconnect.
    for (const pending of this.#acks.values()) pending.reject(new Error('disconnected'));
    this.#acks.clear();
    if (wasConnected) this.#emitLocal('disconnect');
    if (!this.#isWanted) return;
    // Short delays, capped low: a server cannot tell a phone it is back, so a phone whose Wi-Fi blinked (with
    // no `online` event to nudge it) must find out by trying, and the budget is back within a second.
    const base = this.options.reconnectDelayMs ?? 250;
    const delay = Math.min(this.options.reconnectDelayMaxMs ?? 800, base * 2 ** this.#attempt++) * (0.7 + Math.random() * 0.6);
    this.#retryTimer = setTimeout(() => this.connect(), delay);
  }
}
