/**
 * Insights into a sequence's cues across its recent classes: which cues keep raising tension (and where), and
 * which reliably bring relief. Pure.
 *
 * The rule, class by class over the newest `INSIGHT_MAX_CLASSES` classes that started:
 * - a class counts for a cue only when at least K participants (the instructor's threshold, through
 *   `applyThreshold`) flagged that cue there; a cue the class never reached has no flags and does not count;
 * - the cue's tension share in that class is the participants who flagged tension on it over everyone who
 *   joined; the class's own level is the average of that share over the cues it showed;
 * - the cue stands out in that class when the lower bound of the 95% Wilson score interval of its share is above
 *   the class's average: with few participants the interval is wide, so one or two taps are not enough;
 * - a cue is named once it stands out in at least `INSIGHT_MIN_CLASSES` classes, with a region when more than
 *   half of its tension flags in those classes named that region. Relief is judged the same way.
 */
import type { RegionId } from '../../shared/regions.js';
import type { FlagKind } from '../../shared/schemas/flag.js';
import type { CueInsight, SequenceInsights } from '../../shared/schemas/summary.js';
import type { FlagFigures } from './summary.js';
import { cueIndexByKey, cueKeys } from './cue-match.js';
import { applyThreshold } from './threshold.js';

/** The newest classes considered: about a season of weekly classes, recent enough to be about today's cues. */
export const INSIGHT_MAX_CLASSES = 10;
/** A cue is named once it stands out in this many classes: one or two could be the room of that day. */
export const INSIGHT_MIN_CLASSES = 3;
/** The z of a two-sided 95% interval. */
const Z = 1.96;

/** Distinct participants who flagged one cue of a class with one kind. */
export interface CueFlaggers {
  cueIndex: number;
  kind: FlagKind;
  participants: number;
}

/** One class of the sequence with what the rule needs of it. */
export interface InsightClassInput {
  classId: string;
  /** Everyone who joined: the denominator of every share. */
  participants: number;
  /** The cues the class ran (its own snapshot): a cue is found in each class by its text (cue-match.ts). */
  cueTexts: string[];
  /** The cues the class showed (from its transition log), in any order, repeats allowed. */
  shownCues: number[];
  /** Its flags: per-cue tallies (participants who flagged the cue) and the flags by kind and region. */
  figures: FlagFigures;
  /**
   * Distinct participants per cue and kind, from the raw flags. Where a cue is missing (retention archived its
   * raw flags, keeping only counts), its flags capped at the cue's participants stand in for it.
   */
  flaggers: CueFlaggers[];
}

/** The lower bound of the Wilson score interval of `successes` of `trials` (0 without trials). */
export function wilsonLower(successes: number, trials: number, z = Z): number {
  if (trials <= 0) return 0;
  const p = Math.min(successes, trials) / trials;
  const z2 = z * z;
  const centre = p + z2 / (2 * trials);
  const spread = z * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  return Math.max(0, (centre - spread) / (1 + z2 / trials));
}

/** What one class says about one cue and one kind. */
interface ClassVerdict {
  counted: boolean;
  standsOut: boolean;
  flaggedBy: number;
  joined: number;
  classAverage: number;
  flags: number;
  regions: Map<RegionId, number>;
}

/**
 * The insights of a sequence from its classes (oldest first, as the trend has them); `cueTexts` are the cues of
 * the newest class, which name the cues. Each class counts for a cue where its own cues had it, by its text: a
 * class of an earlier version is judged on its own cues. Only the newest `INSIGHT_MAX_CLASSES` are considered.
 */
export function buildInsights(classes: InsightClassInput[], cueTexts: string[], threshold: number): SequenceInsights {
  const considered = classes.slice(-INSIGHT_MAX_CLASSES);
  const tension: CueInsight[] = [];
  const relief: CueInsight[] = [];
  let mostCountedClasses = 0;

  const indexes = considered.map((c) => cueIndexByKey(c.cueTexts));
  const keys = cueKeys(cueTexts);
  cueTexts.forEach((text, cueIndex) => {
    for (const kind of ['tension', 'relief'] as const) {
      const verdicts = considered.map((c, i) => verdict(c, indexes[i]!.get(keys[cueIndex]!), kind, threshold));
      const counted = verdicts.filter((v) => v.counted);
      mostCountedClasses = Math.max(mostCountedClasses, counted.length);
      const standing = counted.filter((v) => v.standsOut);
      if (standing.length < INSIGHT_MIN_CLASSES) continue;
      (kind === 'tension' ? tension : relief).push({
        cueIndex,
        text,
        kind,
        classes: standing.length,
        countedClasses: counted.length,
        flaggedBy: sum(standing.map((v) => v.flaggedBy)),
        joined: sum(standing.map((v) => v.joined)),
        classAverage: sum(standing.map((v) => v.classAverage)) / standing.length,
        region: mainRegion(standing),
      });
    }
  });

  const order = (a: CueInsight, b: CueInsight) => b.classes - a.classes || b.flaggedBy / b.joined - a.flaggedBy / a.joined || a.cueIndex - b.cueIndex;
  return {
    threshold,
    maxClasses: INSIGHT_MAX_CLASSES,
    minClasses: INSIGHT_MIN_CLASSES,
    consideredClasses: considered.length,
    mostCountedClasses,
    tension: tension.sort(order),
    relief: relief.sort(order),
  };
}

/** What class `c` says of the cue at `cueIndex` in its own cues (undefined: its version had no such cue). */
function verdict(c: InsightClassInput, cueIndex: number | undefined, kind: FlagKind, threshold: number): ClassVerdict {
  const none: ClassVerdict = { counted: false, standsOut: false, flaggedBy: 0, joined: c.participants, classAverage: 0, flags: 0, regions: new Map() };
  if (cueIndex === undefined || c.participants === 0) return none;
  const tally = c.figures.cues.find((t) => t.cueIndex === cueIndex);
  // Nobody flagged it (or it was never reached): nothing to learn. Fewer than K: withheld, so it does not count.
  if (!tally || tally.participants === 0 || applyThreshold(tally.participants, threshold, tally) === null) return none;

  const flaggedBy = kindFlaggers(c, cueIndex, kind);
  const classAverage = averageShare(c, kind);
  const regions = new Map<RegionId, number>();
  for (const g of c.figures.groups) {
    if (g.cueIndex === cueIndex && g.kind === kind && g.region !== null) regions.set(g.region, (regions.get(g.region) ?? 0) + g.flags);
  }
  return {
    counted: true,
    standsOut: wilsonLower(flaggedBy, c.participants) > classAverage,
    flaggedBy,
    joined: c.participants,
    classAverage,
    flags: tally[kind],
    regions,
  };
}

/** Participants who flagged this cue with this kind (see `InsightClassInput.flaggers` for the stand-in). */
function kindFlaggers(c: InsightClassInput, cueIndex: number, kind: FlagKind): number {
  const counted = c.flaggers.find((f) => f.cueIndex === cueIndex && f.kind === kind);
  if (counted) return Math.min(counted.participants, c.participants);
  const tally = c.figures.cues.find((t) => t.cueIndex === cueIndex);
  return tally ? Math.min(tally[kind], tally.participants, c.participants) : 0;
}

/** The class's average share of participants flagging `kind`, over the cues it showed (and any it has flags on). */
function averageShare(c: InsightClassInput, kind: FlagKind): number {
  const cueCount = c.cueTexts.length;
  const cues = new Set(c.shownCues.filter((i) => i >= 0 && i < cueCount));
  for (const t of c.figures.cues) if (t.cueIndex < cueCount) cues.add(t.cueIndex);
  if (cues.size === 0) return 0;
  return sum([...cues].map((i) => kindFlaggers(c, i, kind))) / (c.participants * cues.size);
}

/** The region with more than half of all the flags (with a region or without) in these classes, if any. */
function mainRegion(verdicts: ClassVerdict[]): CueInsight['region'] {
  const of = sum(verdicts.map((v) => v.flags));
  const byRegion = new Map<RegionId, number>();
  for (const v of verdicts) for (const [region, flags] of v.regions) byRegion.set(region, (byRegion.get(region) ?? 0) + flags);
  const [top] = [...byRegion].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return top && of > 0 && top[1] * 2 > of ? { region: top[0], flags: top[1], of } : null;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
