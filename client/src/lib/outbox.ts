/**
 * The phone's outbox: every message that changes something on the server (flags, their details, undo,
 * alerts) waits here, persisted on the device, until the server acknowledges it. Offline taps therefore
 * survive a reload and count exactly once: each carries an id made on the phone, and the server stores an id
 * once. Sent strictly in order, one at a time, so an undo never overtakes its flag.
 */
import type { AlertRaise } from '../../../shared/schemas/alert.js';
import type { FlagDetail, FlagSubmit, FlagUndo } from '../../../shared/schemas/flag.js';

export type OutboxMessage =
  | { event: 'flag:submit'; payload: FlagSubmit }
  | { event: 'flag:detail'; payload: FlagDetail }
  | { event: 'flag:undo'; payload: FlagUndo }
  | { event: 'alert:raise'; payload: AlertRaise };

/** `done`: acknowledged (or refused for good: retrying cannot help); `retry`: try again later. */
export type Delivery = 'done' | 'retry';

export interface OutboxStore {
  load(): OutboxMessage[];
  save(messages: OutboxMessage[]): void;
}

export class Outbox {
  #messages: OutboxMessage[];
  #isFlushing = false;
  /** The message on its way to the server: folding a detail or undo into it would be lost with its ack. */
  #sending: OutboxMessage | undefined;

  constructor(
    private readonly store: OutboxStore,
    private readonly deliver: (message: OutboxMessage) => Promise<Delivery>,
    private readonly onChange: (size: number) => void = () => {},
  ) {
    this.#messages = store.load();
  }

  get size(): number {
    return this.#messages.length;
  }

  /**
   * Queues a message. A detail or an undo of a flag that is still queued (not already on its way) is folded
   * into it, so the server never hears of a flag that was taken back before it left the phone.
   */
  add(message: OutboxMessage): void {
    const queuedFlag = (flagId: string) =>
      this.#messages.findIndex((m) => m.event === 'flag:submit' && m.payload.flagId === flagId);
    if (message.event === 'flag:undo' || message.event === 'flag:detail') {
      const index = queuedFlag(message.payload.flagId);
      const queued = this.#messages[index];
      if (queued?.event === 'flag:submit' && queued !== this.#sending) {
        if (message.event === 'flag:undo') this.#messages.splice(index, 1);
        else this.#messages[index] = { event: 'flag:submit', payload: { ...queued.payload, ...withoutId(message.payload) } };
        this.#persist();
        return;
      }
    }
    this.#messages.push(message);
    this.#persist();
  }

  /** Sends what is queued, in order, until the queue is empty or a delivery asks to retry. */
  async flush(): Promise<void> {
    if (this.#isFlushing) return;
    this.#isFlushing = true;
    try {
      for (let next = this.#messages[0]; next; next = this.#messages[0]) {
        this.#sending = next;
        if ((await this.deliver(next)) === 'retry') return;
        // Still the first: nothing is folded into the message on its way.
        this.#messages.shift();
        this.#persist();
      }
    } finally {
      this.#isFlushing = false;
      this.#sending = undefined;
    }
  }

  #persist(): void {
    this.store.save(this.#messages);
    this.onChange(this.#messages.length);
  }
}

function withoutId({ flagId: _flagId, ...detail }: FlagDetail): Omit<FlagDetail, 'flagId'> {
  return detail;
}

/** An OutboxStore in localStorage under one key (per class code). */
export function localOutboxStore(key: string): OutboxStore {
  return {
    load() {
      try {
        const saved = JSON.parse(localStorage.getItem(key) ?? '[]') as unknown;
        return Array.isArray(saved) ? (saved as OutboxMessage[]) : [];
      } catch {
        return [];
      }
    },
    save(messages) {
      if (messages.length === 0) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(messages));
    },
  };
}
