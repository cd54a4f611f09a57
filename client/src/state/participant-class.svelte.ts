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
import { ACK_TIMEOUT_MS, DeliveryQueue } from '../lib/delivery-policy';
import { localOutboxStore, type OutboxMessage } from '../lib/outbox';
import { JourneyRecorder } from '../lib/journey-recorder';
import { PhoneSocket } from '../lib/phone-socket';
import { canUndo } from '../lib/timing';
import { randomId } from '../lib/uuid';

const tokenKey = (code: string) => `attune.token.${code}`;
const alertKey = (code: string) => `attune.alert.${code}`;

/** The flag the participant tapped last, while it can still be described or taken back. */
export interface LastFlag {
  flagId: string;
  kind: FlagKind;
  tappedAt: number;
  region?: RegionId;
  strength?: number;
}

/**
 * This phone's "Need to stop" alert: sent (perhaps still in the outbox), then seen by the instructor. Kept in
 * localStorage so a reload still knows it; cleared on the first new cue after it was seen.
 */
export interface OwnAlert {
  alertId: string;
  /** The server has acknowledged it (it is no longer only in the outbox). */
  isDelivered: boolean;
  isSeen: boolean;
  /** The cue on screen when the instructor saw it: the message clears when another cue comes. */
  seenAtCue?: number;
}

export class ParticipantClass {
  #state = $state<PublicClassState | null>(null);
  /** Local time the state arrived: countdowns run from the server's clock through it. */
  #receivedAt = $state(0);
  #isConnected = $state(false);
  #hasJoined = $state(false);
  #lastFlag = $state<LastFlag | null>(null);
  #unsent = $state(0);
  #alert = $state<OwnAlert | null>(null);
  #error = $state<string | null>(null);
  #socket: PhoneSocket | null = null;
  #outbox: DeliveryQueue;
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
    this.#outbox = new DeliveryQueue(localOutboxStore(`attune.outbox.${code}`), () => this.#socket, {
      onSizeChange: (n) => (this.#unsent = n),
      onAttempt: (message, attempt) => {
        if (message.event === 'alert:raise' && attempt.outcome === 'acknowledged') {
          this.#alertDelivered(message.payload.alertId, (attempt.data as { isSeen?: boolean }).isSeen === true);
        }
      },
    });
    this.#unsent = this.#outbox.size;
    this.#alert = readAlert(code);
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
  /** This phone's alert, while it is open or until the next cue after the instructor saw it. */
  get alert() {
    return this.#alert;
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
      this.#outbox.connected();
      void this.#askWhetherSeen();
    });
    socket.on('disconnect', () => (this.#isConnected = false));
    socket.on('connect_error', (error) => {
      this.#isConnected = false;
      const refused = error.data as { message?: string } | undefined;
      if (refused?.message) this.#error = refused.message;
    });
    socket.on('class:state', (state) => this.#receive(state));
    socket.on('alert:seen', ({ alertIds }) => {
      if (this.#alert && alertIds.includes(this.#alert.alertId)) this.#markSeen();
    });
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
    this.#send({ event: 'flag:submit', payload: { flagId, cueIndex: state.cueIndex, revision: state.revision, kind } });
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

  /**
   * "Need to stop", confirmed: an anonymous alert to the instructor, queued like a flag if the phone is
   * offline. One open alert per phone: while one waits to be seen, another is not raised.
   */
  raiseAlert(): void {
    if (this.#alert && !this.#alert.isSeen) return;
    this.#setAlert({ alertId: randomId(), isDelivered: false, isSeen: false });
    this.#send({ event: 'alert:raise', payload: { alertId: this.#alert!.alertId } });
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
    this.#outbox.dispose();
    this.#socket?.disconnect();
    this.#socket = null;
  }

  #receive(state: PublicClassState): void {
    const isNewCue = state.cueIndex !== this.#state?.cueIndex;
    if (isNewCue && state.status === 'running') buzz();
    if (isNewCue) this.#lastFlag = null;
    const alert = this.#alert;
    if (alert?.isSeen && alert.seenAtCue !== state.cueIndex) this.#setAlert(null);
    this.#state = state;
    this.#receivedAt = Date.now();
    this.#journey.see(state);
  }

  #setAlert(alert: OwnAlert | null): void {
    this.#alert = alert;
    try {
      if (alert) localStorage.setItem(alertKey(this.code), JSON.stringify(alert));
      else localStorage.removeItem(alertKey(this.code));
    } catch {
      // Storage full or blocked: the alert still works for this page's life.
    }
  }

  #markSeen(): void {
    const alert = this.#alert;
    if (alert && !alert.isSeen) this.#setAlert({ ...alert, isSeen: true, seenAtCue: this.#state?.cueIndex ?? -1 });
  }

  #alertDelivered(alertId: string, isSeen: boolean): void {
    const alert = this.#alert;
    if (alert?.alertId !== alertId) return;
    if (!alert.isDelivered) this.#setAlert({ ...alert, isDelivered: true });
    if (isSeen) this.#markSeen();
  }

  /** After a reconnect: an open alert already delivered is sent again (harmless) to learn whether it was seen meanwhile. */
  async #askWhetherSeen(): Promise<void> {
    const alert = this.#alert;
    const socket = this.#socket;
    if (!alert?.isDelivered || alert.isSeen || !socket) return;
    try {
      const result = await socket.emitWithAck('alert:raise', { alertId: alert.alertId }, ACK_TIMEOUT_MS);
      if (result.ok) this.#alertDelivered(alert.alertId, (result.data as { isSeen?: boolean }).isSeen === true);
    } catch {
      // No answer: the next reconnect asks again, and a live alert:seen still arrives.
    }
  }

  #send(message: OutboxMessage): void {
    this.#outbox.send(message);
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

function readAlert(code: string): OwnAlert | null {
  try {
    const stored = localStorage.getItem(alertKey(code));
    return stored ? (JSON.parse(stored) as OwnAlert) : null;
  } catch {
    return null;
  }
}
