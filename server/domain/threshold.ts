/**
 * The anonymity threshold: the one function every breakdown of a summary, an export or a trend goes through.
 * Pure.
 */

/** K unless the instructor chose another: fewer participants than this and a breakdown is withheld. */
export const DEFAULT_THRESHOLD = 3;

/**
 * The figures when they may be shown, else null (withheld). Figures drawn from `participants` distinct
 * participants are shown when at least `threshold` stand behind them, or none do (zeros single nobody out);
 * between one and `threshold - 1` they could single someone out, so they are withheld.
 */
export function applyThreshold<T>(participants: number, threshold: number, figures: T): T | null {
  return participants === 0 || participants >= threshold ? figures : null;
}
