/**
 * The phone's delivery policy, in one rune-free place that the participant page
 * (state/participant-class.svelte.ts) and the headless test phone (tests/helpers/headless-phone.ts) both use, so
 * the chaos test exercises what phones really do:
 * - every message that changes something waits in the outbox (outbox.ts: persisted, in order, one at a time; an
 *   undo or a detail of a flag still queued is folded into it);
 * - a message is sent only while connected, and waits at most `ACK_TIMEOUT_MS` for its acknowledgement;
 * - acknowledged, or refused for good (`FINAL_REFUSALS`: a retry cannot change the answer), it leaves the queue;
 * - anything else (no answer, `rate/limited`, a server error) stays at the head of the queue and is tried again
 *   after `RETRY_DELAY_MS` while connected, one retry timer at a time;
 * - on every (re)connection the whole queue is sent again from its head: the server stores each phone-made id
 *   once, so a message whose first acknowledgement was lost counts once.
 */
import type { Ack, ClientToServerEvents } from '../../../shared/protocol.js';
import { Outbox, type Delivery, type OutboxMessage, type OutboxStore } from './outbox.js';

/** How long the phone waits for an acknowledgement before it counts a message as not delivered. */
export const ACK_TIMEOUT_MS = 4000;
/** A refused or unanswered message while connected (rate limit, server error) is retried after this. */
export const RETRY_DELAY_MS = 1500;
/** Refusals that a retry cannot change: the message is dropped instead of blocking the queue. */
export const FINAL_REFUSALS: ReadonlySet<string> = new Set([
  'input/invalid',
  'flag/invalid_cue',
  'flag/limit_reached',
  'auth/forbidden',
  'class/not_found',
  'class/full',
  'alert/already_open',
]);

/** What carries the messages: the page's socket client (PhoneSocket), or anything with the same two members. */
export interface DeliveryLink {
  readonly connected: boolean;
  emitWithAck<E extends keyof ClientToServerEvents>(event: E, payload: Parameters<ClientToServerEvents[E]>[0], timeoutMs: number): Promise<Ack<unknown>>;
}

/** How one attempt went, for whoever counts (the headless phone's statistics). */
export type Attempt =
  | { outcome: 'acknowledged'; data: unknown }
  | { outcome: 'refused'; error: Extract<Ack<unknown>, { ok: false }>['error'] }
  | { outcome: 'retry'; reason: 'offline' | 'timeout' | 'refused'; code?: string };

/** Decides what an acknowledgement means for the queue. Pure. */
export function judgeAck(ack: Ack<unknown>): Attempt {
  if (ack.ok) return { outcome: 'acknowledged', data: ack.data };
  if (FINAL_REFUSALS.has(ack.error.code)) return { outcome: 'refused', error: ack.error };
  return { outcome: 'retry', reason: 'refused', code: ack.error.code };
}

export interface DeliveryOptions {
  /** The queue's size after each change (the page shows "n unsent"). */
  onSizeChange?: (size: number) => void;
  /** Every attempt and how it went. */
  onAttempt?: (message: OutboxMessage, attempt: Attempt) => void;
  /** Timers; the real ones unless a test passes others. */
  setTimer?: (run: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** The outbox and the policy that empties it over a link that comes and goes. */
export class DeliveryQueue {
  readonly #outbox: Outbox;
  readonly #link: () => DeliveryLink | null;
  readonly #options: DeliveryOptions;
  #retryTimer: unknown = null;
  #isDisposed = false;

  constructor(store: OutboxStore, link: () => DeliveryLink | null, options: DeliveryOptions = {}) {
    this.#link = link;
    this.#options = options;
    this.#outbox = new Outbox(store, (message) => this.#deliver(message), options.onSizeChange);
  }

  /** Messages not yet acknowledged. */
  get size(): number {
    return this.#outbox.size;
  }

  /** Queues a message (folding it into a queued flag where it can) and sends it at once when connected. */
  send(message: OutboxMessage): void {
    this.#outbox.add(message);
    if (this.#link()?.connected) void this.flush();
  }

  /** The link is (back) up: everything queued goes again, from the head. */
  connected(): void {
    this.#cancelRetry();
    void this.flush();
  }

  /** Sends what is queued, in order, until it is empty or a message must wait. */
  flush(): Promise<void> {
    return this.#outbox.flush();
  }

  /** No more retries (the page or the phone is closed). */
  dispose(): void {
    this.#isDisposed = true;
    this.#cancelRetry();
  }

  async #deliver(message: OutboxMessage): Promise<Delivery> {
    const link = this.#link();
    if (!link?.connected) return this.#report(message, { outcome: 'retry', reason: 'offline' });
    let attempt: Attempt;
    try {
      attempt = judgeAck(await link.emitWithAck(message.event, message.payload as never, ACK_TIMEOUT_MS));
    } catch {
      // No acknowledgement in time, or the link dropped meanwhile: it goes again on reconnect or after the delay.
      attempt = { outcome: 'retry', reason: 'timeout' };
    }
    if (attempt.outcome === 'retry' && link.connected) this.#scheduleRetry();
    return this.#report(message, attempt);
  }

  #report(message: OutboxMessage, attempt: Attempt): Delivery {
    this.#options.onAttempt?.(message, attempt);
    return attempt.outcome === 'retry' ? 'retry' : 'done';
  }

  #scheduleRetry(): void {
    if (this.#isDisposed || this.#retryTimer !== null) return;
    const setTimer = this.#options.setTimer ?? ((run, ms) => setTimeout(run, ms));
    this.#retryTimer = setTimer(() => {
      this.#retryTimer = null;
      if (!this.#isDisposed) void this.flush();
    }, RETRY_DELAY_MS);
  }

  #cancelRetry(): void {
    if (this.#retryTimer === null) return;
    (this.#options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)))(this.#retryTimer);
    this.#retryTimer = null;
  }
}
