/**
 * The participant's class writes its own events into My journey through this, and only while the opt-in is
 * on: with it off every call returns at once and nothing is stored (nor loaded: the record functions come in
 * their own chunk, fetched on the first write with the opt-in on). Sends nothing. The ids the server knows
 * (token, flag ids) stay out of the journey: flags are matched to local ids in memory, as long as the phone
 * can still describe or undo them.
 */
import type { RegionId } from '../../../shared/regions';
import type { PublicClassState } from '../../../shared/schemas/class';
import type { ClassSeen, Journey, JourneyFeedback } from './journey-storage';
import { isKeeping } from './journey-storage';
import { randomId } from './uuid';

type Store = typeof import('./journey-store');
type Change = (store: Store, journey: Journey, entryId: string) => Journey;

let store: Promise<Store> | null = null;
/** Writes run one after another, in the order the class made them, on every recorder of the page. */
let written: Promise<void> = Promise.resolve();

/** Resolves once every write asked for so far is saved (or has failed to load, as offline). */
export function journeyWritten(): Promise<void> {
  return written;
}

export class JourneyRecorder {
  #entryId: string | null = null;
  #isNewJoin = false;
  #seen: ClassSeen | null = null;
  /** Sent flag id → the journey's own id for it. */
  #localIds = new Map<string, string>();

  constructor(
    readonly code: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The phone just made its token for this class: it is a new class, never an older one with the same code. */
  joinedNew(): void {
    this.#isNewJoin = true;
  }

  /** Each class state: the class's title and the cue on screen. */
  see(state: PublicClassState): void {
    const seen: ClassSeen = { code: this.code, title: state.title, language: state.language, cueIndex: state.cueIndex, cueCount: state.cueCount, cueText: state.cue?.text ?? null };
    this.#seen = seen;
    this.#write((s, j, id) => {
      const entry = j.entries.find((e) => e.id === id)!;
      const isSame = entry.title === seen.title && entry.cueCount === seen.cueCount && (seen.cueIndex < 0 || entry.cues.some((c) => c.index === seen.cueIndex && c.text === seen.cueText));
      return isSame ? j : s.seeCue(j, id, seen);
    });
  }

  flag(flagId: string, cueIndex: number, kind: 'tension' | 'relief'): void {
    const id = randomId();
    if (this.#write((s, j, entryId) => s.addFlag(j, entryId, { id, cueIndex, kind }))) this.#localIds.set(flagId, id);
  }

  describe(flagId: string, detail: { region?: RegionId; strength?: number }): void {
    const id = this.#localIds.get(flagId);
    if (id) this.#write((s, j, entryId) => s.describeFlag(j, entryId, id, detail));
  }

  undo(flagId: string): void {
    const id = this.#localIds.get(flagId);
    if (id) this.#write((s, j, entryId) => s.removeFlag(j, entryId, id));
  }

  feedback(feedback: JourneyFeedback): void {
    this.#write((s, j, entryId) => s.setFeedback(j, entryId, feedback));
  }

  /**
   * Only while keeping is on (checked now): queues loading, finding this class's entry (opening it on first
   * use), changing and saving. False when nothing is kept.
   */
  #write(change: Change): boolean {
    const seen = this.#seen;
    if (!seen || !isKeeping()) return false;
    const now = this.now();
    written = written.then(async () => {
      let s: Store;
      try {
        s = await (store ??= import('./journey-store'));
      } catch {
        store = null; // Offline before the chunk came: this write is lost, the next one tries again.
        return;
      }
      const before = s.loadJourney();
      const opened = s.findOrOpenEntry(before, seen, now, randomId(), this.#entryId, this.#isNewJoin);
      this.#entryId = opened.entryId;
      const after = change(s, opened, opened.entryId);
      if (after !== before) s.saveJourney(after);
    });
    return true;
  }
}
