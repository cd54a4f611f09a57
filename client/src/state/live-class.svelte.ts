/**
 * The instructor's live class: the state with the snapshot's notes, the counts, presence, and the commands.
 * Every command carries the revision the tablet saw; the server refuses a stale one.
 */
import type { ClassCommand, ClassDetails, InstructorClassState } from '../../../shared/schemas/class';
import type { CueTally } from '../../../shared/schemas/flag';
import type { Presence } from '../../../shared/protocol';
import { api } from '../lib/api';
import { connectSocket, type AttuneSocket } from '../lib/socket';

type CommandType = ClassCommand['type'];

export class LiveClass {
  #details = $state<ClassDetails | null>(null);
  #state = $state<InstructorClassState | null>(null);
  #tallies = $state<CueTally[]>([]);
  #presence = $state<Presence>({ connected: 0, joined: 0 });
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
  get presence() {
    return this.#presence;
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
    return this.#tallies.find((tally) => tally.cueIndex === cueIndex) ?? { cueIndex, tension: 0, relief: 0, participants: 0 };
  }

  async load(): Promise<void> {
    try {
      this.#details = await api<ClassDetails>('GET', `/api/classes/${this.classId}`);
      this.#state = this.#details.class;
    } catch (error) {
      this.#error = (error as Error).message;
      return;
    }
    const socket = connectSocket({ role: 'instructor', classId: this.classId });
    socket.on('connect', () => (this.#isConnected = true));
    socket.on('disconnect', () => (this.#isConnected = false));
    socket.on('connect_error', () => (this.#isConnected = false));
    socket.on('class:instructor-state', (state) => (this.#state = state));
    socket.on('tally:updated', (tallies) => (this.#tallies = tallies));
    socket.on('presence:updated', (presence) => (this.#presence = presence));
    this.#socket = socket;
  }

  command(type: Exclude<CommandType, 'jump'>): void;
  command(type: 'jump', cueIndex: number): void;
  command(type: CommandType, cueIndex?: number): void {
    const state = this.#state;
    if (!this.#socket || !state) return;
    const revision = state.revision;
    const payload = (type === 'jump' ? { type, revision, cueIndex: cueIndex ?? 0 } : { type, revision }) as ClassCommand;
    this.#socket.emit('class:command', payload, (result) => {
      if (result.ok) {
        this.#state = result.data;
        this.#error = null;
      } else {
        this.#error = result.error.message;
      }
    });
  }

  dispose(): void {
    this.#socket?.disconnect();
    this.#socket = null;
  }
}
