/**
 * A class's summary on the instructor's page: loaded from the server, and reloaded every few seconds while it
 * can still change (the class runs, or its feedback window is open). The server counts; this only holds it.
 */
import type { CueKept } from '../../../shared/schemas/class';
import type { ClassSummaryPage } from '../../../shared/schemas/summary';
import { api } from '../lib/api';
import { describeError } from '../lib/i18n/errors';

/** How often a summary that can still change is reloaded. */
const REFRESH_MS = 5000;

export class SummaryView {
  #summary = $state<ClassSummaryPage | null>(null);
  #error = $state<unknown>(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #isDisposed = false;

  constructor(
    readonly classId: string,
    private readonly isLive: boolean,
  ) {}

  get summary() {
    return this.#summary;
  }
  /** The last load's failure, worded in the page's language; null when it loaded. */
  get error(): string | null {
    return this.#error === null ? null : describeError(this.#error);
  }

  async load(): Promise<void> {
    try {
      this.#summary = await api<ClassSummaryPage>('GET', `/api/classes/${this.classId}/summary`);
      this.#error = null;
    } catch (error) {
      this.#error = error;
    }
    this.#scheduleRefresh();
  }

  /**
   * **Keep in the sequence** for a cue added during the class; the summary is read again, so the cue shows as
   * kept. Resolves with where it went in the sequence, or throws the server's refusal (word it with describeError).
   */
  async keep(cueIndex: number): Promise<CueKept> {
    const kept = await api<CueKept>('POST', `/api/classes/${this.classId}/cues/${cueIndex}/keep`);
    await this.load();
    return kept;
  }

  dispose(): void {
    this.#isDisposed = true;
    clearTimeout(this.#timer);
  }

  #scheduleRefresh(): void {
    const summary = this.#summary;
    if (!this.isLive || this.#isDisposed || !summary) return;
    const canChange = summary.status !== 'ended' || (summary.feedbackClosesAt !== null && Date.now() < summary.feedbackClosesAt);
    if (canChange) this.#timer = setTimeout(() => void this.load(), REFRESH_MS);
  }
}
