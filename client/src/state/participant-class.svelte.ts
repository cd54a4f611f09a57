/**
 * The participant's place in one class: the public state the phone shows, the connection, the last flag
 * (for Undo and the optional where/how strong), and the outbox of unsent messages. The random per-class
 * token lives in localStorage, so a reload or a locked screen resumes the same anonymous participant.
 */
import type { RegionId } from '../../../shared/regions';
import type { PublicClassState } from '../../../shared/schemas/class';
import type { FeedbackSubmit } from '../../../shared/schemas/feedback';
import type { FlagKind } from '../../../shared/schemas/flag';
import type { Ack } from '../../../shared/protocol';
import { buzz, keepScreenOn } from '../lib/device';
import { JourneyRecorder } from '../lib/journey-recorder';
import { localOutboxStore, Outbox, type Delivery, type OutboxMessage } from '../lib/outbox';
import { PhoneSocket } from '../lib/phone-socket';
import { canUndo } from '../lib/timing';
import { randomId } from '../lib/uuid';

const tokenKey = (code: string) => `attune.token.${code}`;
/** How long the phone waits for an acknowledgement before it counts a message as not delivered. */
const ACK_TIMEOUT_MS = 4000;
/** A refused or unanswered message while connected (rate limit, server error) is retried after this. */
const RETRY_DELAY_MS = 1500;
/** Refusals that a retry cannot change: the message is dropped instead of blocking the queue. */
const FINAL_REFUSALS = new Set(['input/invalid', 'flag/invalid_cue', 'auth/forbidden', 'class/not_found']);

/** The flag the participant tapped last, while it can still be described or taken back. */
export interface LastFlag {
  flagId: string;
  kind: FlagKind;
  tappedAt: number;
  region?: RegionId;
  strength?: number;
}

export class ParticipantClass {
  #state = $state<PublicClassState | null>(null);
  /** Local time the state arrived: countdowns run from the server's clock through it. */
  #receivedAt = $state(0);
  #isConnected = $state(false);
  #hasJoined = $state(false);
  #lastFlag = $state<LastFlag | null>(null);
  #unsent = $state(0);
  #isAlertSent = $state(false);
  #error = $state<string | null>(null);
  #socket: PhoneSocket | null = null;
  #outbox: Outbox;
  /** My journey (opt-in): the phone's own record of this class, kept only on the phone. */
  #journey: JourneyRecorder;
  #cleanups: (() => void)[] = [];

  constructor(
    readonly code: string,
    initial: PublicClassState | null,
  ) {
    this.#state = initial;
    this.#receivedAt = Date.now();
    this.#hasJoined = localStorage.getItem(tokenKey(code)) !== null;
    this.#outbox = new Outbox(localOutboxStore(`attune.outbox.${code}`), (m) => this.#deliver(m), (n) => (this.#unsent = n));
    this.#unsent = this.#outbox.size;
    this.#journey = new JourneyRecorder(code);
  }

  get state() {
    return this.#state;
  }
  get receivedAt() {
    return this.#receivedAt;
  }
  get isConnected() {
    return this.#isConnected;
  }
  /** True once this phone has pressed Join for this class (it then resumes by itself). */
  get hasJoined() {
    return this.#hasJoined;
  }
  get lastFlag() {
    return this.#lastFlag;
  }
  /** Messages tapped but not yet acknowledged by the server. */
  get unsent() {
    return this.#unsent;
  }
  get isAlertSent() {
    return this.#isAlertSent;
  }
  get error() {
    return this.#error;
  }

  /** Joins (first time) or resumes (a token exists): connects and keeps reconnecting by itself. */
  join(): void {
    if (this.#socket) return;
    let token = localStorage.getItem(tokenKey(this.code));
    if (!token) {
      token = randomId();
      localStorage.setItem(tokenKey(this.code), token);
      this.#journey.joinedNew();
    }
    this.#hasJoined = true;
    const socket = new PhoneSocket({ role: 'participant', code: this.code, token });
    socket.on('connect', () => {
      this.#isConnected = true;
      this.#error = null;
      void this.#outbox.flush();
    });
    socket.on('disconnect', () => (this.#isConnected = false));
    socket.on('connect_error', (error) => {
      this.#isConnected = false;
      const refused = error.data as { message?: string } | undefined;
      if (refused?.message) this.#error = refused.message;
    });
    socket.on('class:state', (state) => this.#receive(state));
    this.#socket = socket.connect();
    this.#cleanups.push(keepScreenOn(), this.#reconnectWhenBack(socket));
  }

  /** Records a Tension or Relief tap for the cue on screen now, and sends it (or keeps it until online). */
  flag(kind: FlagKind): void {
    const state = this.#state;
    if (!state || state.cueIndex < 0) return;
    const flagId = randomId();
    this.#lastFlag = { flagId, kind, tappedAt: Date.now() };
    this.#journey.flag(flagId, state.cueIndex, kind);
    this.#send({ event: 'flag:submit', payload: { flagId, cueIndex: state.cueIndex, kind } });
  }

  /** Adds where and how strong to the last flag. */
  describe(detail: { region?: RegionId; strength?: number }): void {
    const last = this.#lastFlag;
    if (!last) return;
    this.#lastFlag = { ...last, ...detail };
    const { flagId, region, strength } = this.#lastFlag;
    this.#journey.describe(flagId, { region, strength });
    this.#send({ event: 'flag:detail', payload: { flagId, region, strength } });
  }

  /** Takes back the last flag while the undo window is open. */
  undo(): void {
    const last = this.#lastFlag;
    if (!last || !canUndo(last.tappedAt, Date.now())) return;
    this.#lastFlag = null;
    this.#journey.undo(last.flagId);
    this.#send({ event: 'flag:undo', payload: { flagId: last.flagId } });
  }

  /** Done describing (or not): the phone goes back to the two big buttons. */
  closeFlag(): void {
    this.#lastFlag = null;
  }

  /** "Need to stop": an anonymous alert to the instructor, queued like a flag if the phone is offline. */
  raiseAlert(): void {
    this.#isAlertSent = true;
    this.#send({ event: 'alert:raise', payload: { alertId: randomId() } });
  }

  /** The feedback form's answer, over the class's socket; not queued, so the form can show the outcome. */
  sendFeedback(feedback: FeedbackSubmit): Promise<Ack<unknown>> {
    if (!this.#socket) return Promise.reject(new Error('not connected'));
    return this.#socket.emitWithAck('feedback:submit', feedback, ACK_TIMEOUT_MS).then((ack) => {
      if (ack.ok) this.#journey.feedback(feedback);
      return ack;
    });
  }

  dispose(): void {
    this.#cleanups.forEach((cleanup) => cleanup());
    this.#socket?.disconnect();
    this.#socket = null;
  }

  #receive(state: PublicClassState): void {
    const isNewCue = state.cueIndex !== this.#state?.cueIndex;
    if (isNewCue && state.status === 'running') buzz();
    if (isNewCue) this.#lastFlag = null;
    this.#state = state;
    this.#receivedAt = Date.now();
    this.#journey.see(state);
  }

  #send(message: OutboxMessage): void {
    this.#outbox.add(message);
    if (this.#isConnected) void this.#outbox.flush();
  }

  async #deliver(message: OutboxMessage): Promise<Delivery> {
    const socket = this.#socket;
    if (!socket?.connected) return 'retry';
    try {
      const result = await socket.emitWithAck(message.event, message.payload as never, ACK_TIMEOUT_MS);
      if (result.ok || FINAL_REFUSALS.has(result.error.code)) return 'done';
    } catch {
      // No acknowledgement in time: if the connection dropped, it goes again on reconnect.
    }
    if (socket.connected) setTimeout(() => void this.#outbox.flush(), RETRY_DELAY_MS);
    return 'retry';
  }

  /** Reconnects at once when the network or the screen comes back, instead of waiting out the backoff. */
  #reconnectWhenBack(socket: PhoneSocket): () => void {
    const retryNow = () => {
      if (document.visibilityState === 'visible' && !socket.connected) socket.connect();
    };
    window.addEventListener('online', retryNow);
    document.addEventListener('visibilitychange', retryNow);
    return () => {
      window.removeEventListener('online', retryNow);
      document.removeEventListener('visibilitychange', retryNow);
    };
  }
}
