/**
 * The participant's place in one class: the public state the phone shows, whether it is connected, and the
 * outcome of the last flag. The random per-class token lives in localStorage, so a reload or a locked screen
 * resumes the same anonymous participant.
 */
import type { PublicClassState } from '../../../shared/schemas/class';
import type { FlagKind } from '../../../shared/schemas/flag';
import { connectSocket, handshakeError, type AttuneSocket } from '../lib/socket';
import { randomId } from '../lib/uuid';

const tokenKey = (code: string) => `attune.token.${code}`;

export type FlagOutcome = { kind: FlagKind; isSent: true } | { kind: FlagKind; isSent: false; message: string };

export class ParticipantClass {
  #state = $state<PublicClassState | null>(null);
  #isConnected = $state(false);
  #hasJoined = $state(false);
  #lastFlag = $state<FlagOutcome | null>(null);
  #error = $state<string | null>(null);
  #socket: AttuneSocket | null = null;

  constructor(
    readonly code: string,
    initial: PublicClassState | null,
  ) {
    this.#state = initial;
    this.#hasJoined = localStorage.getItem(tokenKey(code)) !== null;
  }

  get state() {
    return this.#state;
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
    }
    this.#hasJoined = true;
    const socket = connectSocket({ role: 'participant', code: this.code, token });
    socket.on('connect', () => {
      this.#isConnected = true;
      this.#error = null;
    });
    socket.on('disconnect', () => (this.#isConnected = false));
    socket.on('connect_error', (error) => {
      this.#isConnected = false;
      const refused = handshakeError(error);
      if (refused) this.#error = refused.message;
    });
    socket.on('class:state', (state) => (this.#state = state));
    this.#socket = socket;
  }

  /** Sends a flag for the cue on screen now; the cue index is taken at the tap, not at delivery. */
  flag(kind: FlagKind): void {
    const state = this.#state;
    if (!this.#socket || !state || state.cueIndex < 0) return;
    this.#socket.emit('flag:submit', { flagId: randomId(), cueIndex: state.cueIndex, kind }, (result) => {
      this.#lastFlag = result.ok ? { kind, isSent: true } : { kind, isSent: false, message: result.error.message };
    });
  }

  dispose(): void {
    this.#socket?.disconnect();
    this.#socket = null;
  }
}
