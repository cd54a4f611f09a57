/**
 * The same cue across versions of a sequence. A class keeps its own snapshot of the cues it ran, and a sequence
 * changes between classes (a cue added, removed, moved, reworded), so a cue's position says nothing across
 * classes: its text does. A cue is known by its text and by which occurrence of that text it is (a sequence may
 * say "Breathe out" twice). A reworded cue is a different cue: its old figures stay with its old words. Pure.
 */

/** Per cue, in order, the key that finds the same cue in another version. */
export function cueKeys(texts: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return texts.map((text) => {
    const normal = text.trim().replace(/\s+/g, ' ');
    const occurrence = seen.get(normal) ?? 0;
    seen.set(normal, occurrence + 1);
    return `${occurrence}\u0000${normal}`;
  });
}

/** Where each key is in these cues: key → the cue's index. */
export function cueIndexByKey(texts: readonly string[]): Map<string, number> {
  return new Map(cueKeys(texts).map((key, index) => [key, index]));
}

/** Whether two versions have the same cues in the same order (the wording decides, as above). */
export function isSameCues(a: readonly string[], b: readonly string[]): boolean {
  const [ka, kb] = [cueKeys(a), cueKeys(b)];
  return ka.length === kb.length && ka.every((key, i) => key === kb[i]);
}
