/**
 * The participant's class writes its own events into My journey through this, and only while the opt-in is
 * on: with it off every call returns at once and nothing is stored. Sends nothing. The ids the server knows
 * (token, flag ids) stay out of the journey: flags are matched to local ids in memory, as long as the phone
 * can still describe or undo them.
 */
import type { RegionId } from '../../../shared/regions';
import type { PublicClassState } from '../../../shared/schemas/class';
import { addFlag, describeFlag, findOrOpenEntry, isKeeping, loadJourney, removeFlag, saveJourney, seeCue, setFeedback, type ClassSeen, type Journey, type JourneyFeedback } from './journey-store';
import { randomId } from './uuid';

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
    this.#seen = { code: this.code, title: state.title, language: state.language, cueIndex: state.cueIndex, cueCount: state.cueCount, cueText: state.cue?.text ?? null };
    this.#write((j, id) => {
      const entry = j.entries.find((e) => e.id === id)!;
      const seen = this.#seen!;
      const isSame = entry.title === seen.title && entry.cueCount === seen.cueCount && (seen.cueIndex < 0 || entry.cues.some((c) => c.index === seen.cueIndex && c.text === seen.cueText));
      return isSame ? j : seeCue(j, id, seen);
    });
  }

  flag(flagId: string, cueIndex: number, kind: 'tension' | 'relief'): void {
    const id = randomId();
    this.#write((j, entryId) => {
      this.#localIds.set(flagId, id);
      return addFlag(j, entryId, { id, cueIndex, kind });
    });
  }

  describe(flagId: string, detail: { region?: RegionId; strength?: number }): void {
    const id = this.#localIds.get(flagId);
    if (id) this.#write((j, entryId) => describeFlag(j, entryId, id, detail));
  }

  undo(flagId: string): void {
    const id = this.#localIds.get(flagId);
    if (id) this.#write((j, entryId) => removeFlag(j, entryId, id));
  }

  feedback(feedback: JourneyFeedback): void {
    this.#write((j, entryId) => setFeedback(j, entryId, feedback));
  }

  /** Loads, finds this class's entry (opening it on first use), changes, saves: only while keeping is on. */
  #write(change: (journey: Journey, entryId: string) => Journey): void {
    if (!this.#seen || !isKeeping()) return;
    const before = loadJourney();
    const opened = findOrOpenEntry(before, this.#seen, this.now(), randomId(), this.#entryId, this.#isNewJoin);
    this.#entryId = opened.entryId;
    const after = change(opened, opened.entryId);
    if (after !== before) saveJourney(after);
  }
}
