/**
 * The feedback form on the phone after the class: the answers being chosen, sending them, and whether this
 * phone is done with the form (sent or skipped, remembered per class code so a reload keeps it closed). The
 * form closes by itself when the class's feedback window does, by the server's clock.
 */
import type { Feeling } from '../../../shared/feedback';
import type { Ack } from '../../../shared/protocol';
import type { FeedbackSubmit } from '../../../shared/schemas/feedback';

const doneKey = (code: string) => `attune.feedback.${code}`;

/** `open`: the form shows; `sent` and `skipped` are remembered; `closed`: the window has passed. */
export type FeedbackPhase = 'open' | 'sending' | 'sent' | 'skipped' | 'closed';

/** Why the last send did not go through: nothing chosen yet, or it did not reach the server. */
export type FeedbackProblem = 'incomplete' | 'not-sent' | null;

export class FeedbackForm {
  feeling = $state<Feeling | null>(null);
  rating = $state<number | null>(null);
  comment = $state('');
  #phase = $state<FeedbackPhase>('open');
  #problem = $state<FeedbackProblem>(null);
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly code: string,
    private readonly send: (feedback: FeedbackSubmit) => Promise<Ack<unknown>>,
  ) {
    const done = localStorage.getItem(doneKey(code));
    if (done === 'sent' || done === 'skipped') this.#phase = done;
  }

  get phase() {
    return this.#phase;
  }
  /** `incomplete` goes away by itself once both answers are chosen. */
  get problem(): FeedbackProblem {
    const isComplete = this.feeling !== null && this.rating !== null;
    return this.#problem === 'incomplete' && isComplete ? null : this.#problem;
  }

  /**
   * Closes the form when the window does. `closesAt` and `serverNow` are the server's clock; `receivedAt` is
   * this phone's clock when that state arrived, so a phone whose clock is off still closes on time.
   */
  closeAt(closesAt: number | null, serverNow: number, receivedAt: number): void {
    clearTimeout(this.#closeTimer);
    if (closesAt === null) return;
    const leftMs = closesAt - serverNow - (Date.now() - receivedAt);
    if (leftMs <= 0) this.#close();
    else this.#closeTimer = setTimeout(() => this.#close(), leftMs);
  }

  async submit(): Promise<void> {
    if (this.#phase !== 'open') return;
    if (this.feeling === null || this.rating === null) {
      this.#problem = 'incomplete';
      return;
    }
    this.#phase = 'sending';
    this.#problem = null;
    const comment = this.comment.trim();
    try {
      const result = await this.send({ feeling: this.feeling, rating: this.rating, ...(comment ? { comment } : {}) });
      if (result.ok) return this.#finish('sent');
      this.#phase = result.error.code === 'feedback/closed' ? 'closed' : 'open';
      if (this.#phase === 'open') this.#problem = 'not-sent';
    } catch {
      this.#phase = 'open';
      this.#problem = 'not-sent';
    }
  }

  /** Nothing is sent; the form stays closed on this phone. */
  skip(): void {
    this.#finish('skipped');
  }

  dispose(): void {
    clearTimeout(this.#closeTimer);
  }

  #finish(phase: 'sent' | 'skipped'): void {
    this.#phase = phase;
    localStorage.setItem(doneKey(this.code), phase);
  }

  #close(): void {
    if (this.#phase === 'open' || this.#phase === 'sending') this.#phase = 'closed';
  }
}
