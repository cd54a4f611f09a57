/**
 * What the insight rule (server/domain/insights.ts) needs of a set of classes, loaded in four queries however
 * many classes and sequences there are: the trend page's one sequence and the lead's overview of every
 * sequence read it the same way.
 */
import { bySequencePosition, isSequenceCue, sequencePositions } from '../domain/added-cues.js';
import type { FlagGroup } from '../domain/summary.js';
import type { InsightClassInput } from '../domain/insights.js';
import type { ClassOverview, Storage } from '../storage/storage.js';

export async function loadInsightClasses(storage: Storage, overviews: ClassOverview[]): Promise<InsightClassInput[]> {
  const ids = overviews.map((o) => o.record.id);
  const [tallies, reached, flaggers, regions] = await Promise.all([
    storage.flags.tallyOfClasses(ids),
    storage.classes.reachedCuesOf(ids),
    storage.flags.flaggersOfClasses(ids),
    storage.flags.regionsOfClasses(ids),
  ]);
  return overviews.map(({ record, participants }) => {
    // Cues added during a class are not the sequence's: left out, the others indexed by their place in it.
    const positions = sequencePositions(record.cues);
    const of = <T extends { classId: string; cueIndex: number }>(rows: T[]) =>
      bySequencePosition(
        rows.filter((r) => r.classId === record.id),
        positions,
      ).map(({ classId: _, ...row }) => row);
    // The rule reads a region's flags per cue and kind; strength does not matter to it.
    const groups: FlagGroup[] = of(regions).flatMap(({ cueIndex, region, tension, relief }) => [
      ...(tension > 0 ? [{ cueIndex, kind: 'tension' as const, region, strength: null, flags: tension }] : []),
      ...(relief > 0 ? [{ cueIndex, kind: 'relief' as const, region, strength: null, flags: relief }] : []),
    ]);
    return {
      classId: record.id,
      participants,
      cueTexts: record.cues.filter(isSequenceCue).map((c) => c.text),
      shownCues: of(reached).map((r) => r.cueIndex),
      figures: { cues: of(tallies), groups },
      flaggers: of(flaggers),
    };
  });
}
