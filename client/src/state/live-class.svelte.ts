/**
 * The instructor's live class: the state with the snapshot's notes, the live counts, presence, safety
 * alerts, and the commands. Every command carries the revision the tablet saw; the server refuses a stale one.
 */
import type { AuthStatus } from '../../../shared/schemas/auth';
import type { Alert } from '../../../shared/schemas/alert';
import type { ClassCommand, ClassDetails, CueAdd, InstructorClassState } from '../../../shared/schemas/class';
import type { CueTally, LiveTally } from '../../../shared/schemas/flag';
import type { Presence } from '../../../shared/protocol';
import { api, ApiRequestError } from '../lib/api';
import { describeError } from '../lib/i18n/errors';
import { connectSocket, type AttuneSocket } from '../lib/socket';

/** How long the tablet waits before asking again after the server refused its handshake. */
const HANDSHAKE_RETRY_MS = 1000;

type CommandType = ClassCommand['type'];

export class LiveClass {
  #details = $state<ClassDetails | null>(null);
  #state = $state<InstructorClassState | null>(null);
  #receivedAt = $state(0);
  #tally = $state<LiveTally | null>(null);
  #tallyReceivedAt = $state(0);
  /** Null until the first count arrives (a moment after connecting): the tablet shows a dash, not a false 0. */
  #presence = $state<Presence | null>(null);
  #alerts = $state<Alert[]>([]);
  #isConnected = $state(false);
  #error = $state<string | null>(null);
  #socket: AttuneSocket | null = null;

  constructor(readonly classId: string) {}

  get details() {
    return this.#details;
  }
  get state() {
    return this.#state;
  }
  /** Local time the state arrived: countdowns run from the server's clock through it. */
  get receivedAt() {
    return this.#receivedAt;
  }
  get tally() {
    return this.#tally;
  }
  get tallyReceivedAt() {
    return this.#tallyReceivedAt;
  }
  get presence() {
    return this.#presence;
  }
  get alerts() {
    return this.#alerts;
  }
  get isConnected() {
    return this.#isConnected;
  }
  get error() {
    return this.#error;
  }
  /** The counts of the current cue (zeros when it has no flags yet). */
  get currentTally(): CueTally {
    const cueIndex = this.#state?.cueIndex ?? -1;
    return this.#tally?.cues.find((tally) => tally.cueIndex === cueIndex) ?? { cueIndex, tension: 0, relief: 0, participants: 0 };
  }
  /** The heat map's figures, if they belong to the cue on screen (a cue change may outrun the tally). */
  get currentRegions() {
    return this.#tally && this.#tally.cueIndex === this.#state?.cueIndex ? this.#tally.regions : {};
  }

  /** After the server ended or refused this socket: connect again while still signed in, else sign in. */
  async #reconnectOrSignIn(socket: { connect(): unknown; readonly active: boolean }): Promise<void> {
    if (socket.active || this.#isClosed) return;
    const status = await api<AuthStatus>('GET', '/api/auth/me').catch(() => null);
    if (status && !status.instructor) location.assign('/instructor');
    else socket.connect();
  }

  #isClosed = false;

  async load(): Promise<void> {
    try {
      this.#details = await api<ClassDetails>('GET', `/api/classes/${this.classId}`);
      this.#setState(this.#details.class);
    } catch (error) {
      this.#error = (error as Error).message;
      return;
    }
    const socket = connectSocket({ role: 'instructor', classId: this.classId });
    socket.on('connect', () => (this.#isConnected = true));
    socket.on('disconnect', (reason) => {
      this.#isConnected = false;
      // The server ended this socket: its session ended (sign-out elsewhere, a password change, the account
      // deactivated by the clinic lead), or the server is going down. Still signed in: connect again; else the
      // sign-in page.
      if (reason === 'io server disconnect') void this.#reconnectOrSignIn(socket);
    });
    socket.on('connect_error', () => {
      this.#isConnected = false;
      // A handshake the server refused (rate limited, a restart under way, the session gone) is not retried
      // by Socket.IO itself: ask again shortly, or go to the sign-in page when the session has ended.
      if (!socket.active) setTimeout(() => void this.#reconnectOrSignIn(socket), HANDSHAKE_RETRY_MS);
    });
    socket.on('class:instructor-state', (state) => this.#setState(state));
    socket.on('tally:updated', (tally) => {
      this.#tally = tally;
      this.#tallyReceivedAt = Date.now();
    });
    socket.on('presence:updated', (presence) => (this.#presence = presence));
    // The whole list on (re)connect, then only changes: raised ones join it, resolved ones leave it.
    socket.on('alerts:updated', (alerts) => (this.#alerts = alerts));
    socket.on('alert:raised', (raised) => {
      const known = new Set(this.#alerts.map((alert) => alert.alertId));
      const added = raised.filter((alert) => !known.has(alert.alertId));
      if (added.length > 0) this.#alerts = [...this.#alerts, ...added].sort((x, y) => x.createdAt - y.createdAt);
    });
    socket.on('alert:resolved', ({ alertIds }) => {
      const resolved = new Set(alertIds);
      this.#alerts = this.#alerts.filter((alert) => !resolved.has(alert.alertId));
    });
    this.#socket = socket;
  }

  command(type: Exclude<CommandType, 'jump' | 'auto-advance'>): void;
  command(type: 'jump', cueIndex: number): void;
  command(type: 'auto-advance', isOn: boolean): void;
  command(type: CommandType, argument?: number | boolean): void {
    const state = this.#state;
    if (!this.#socket || !state) return;
    const revision = state.revision;
    const payload = (
      type === 'jump' ? { type, revision, cueIndex: argument } : type === 'auto-advance' ? { type, revision, isOn: argument } : { type, revision }
    ) as ClassCommand;
    this.#socket.emit('class:command', payload, (result) => {
      if (result.ok) {
        this.#setState(result.data);
        this.#error = null;
      } else {
        this.#error = result.error.message;
      }
    });
  }

  /**
   * Adds a cue right after the current one, shown now or next ("Add a cue"). Resolves with null once the
   * server stored it, or the refusal worded in the page's language (the form stays open with what was typed).
   */
  addCue(cue: CueAdd['cue'], at: CueAdd['at']): Promise<string | null> {
    const socket = this.#socket;
    const state = this.#state;
    if (!socket || !state || !this.#isConnected) return Promise.resolve(describeError(new ApiRequestError(0, { code: 'server/internal', message: 'offline' })));
    return new Promise((resolve) => {
      socket.emit('cue:add', { revision: state.revision, cue, at }, (result) => {
        if (result.ok) this.#setState(result.data);
        resolve(result.ok ? null : describeError(new ApiRequestError(409, result.error)));
      });
    });
  }

  acknowledgeAlert(alertId: string): void {
    this.#socket?.emit('alert:acknowledge', { alertId }, (result) => {
      if (!result.ok) this.#error = result.error.message;
    });
  }

  /** Marks every open alert seen at once (the tablet's "Acknowledge all"). */
  acknowledgeAll(): void {
    this.#socket?.emit('alert:acknowledge-all', {}, (result) => {
      if (!result.ok) this.#error = result.error.message;
    });
  }

  dispose(): void {
    this.#isClosed = true;
    this.#socket?.disconnect();
    this.#socket = null;
  }

  #setState(state: InstructorClassState): void {
    // An acknowledgement and the broadcast carry the same revision; never step back to an older one.
    if (this.#state && state.revision < this.#state.revision) return;
    this.#state = state;
    this.#receivedAt = Date.now();
  }
}
