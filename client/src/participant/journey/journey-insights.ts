/**
 * What My journey shows, worked out from the kept entries by pure functions: where the person noticed tension
 * and relief, how often each region came up across their recent classes (and whether lately more or less
 * often), the sequences they did more than once, and their own feedback over time.
 */
import type { RegionId } from '../../../../shared/regions';
import type { Journey, JourneyEntry, JourneyFlag } from '../../lib/journey-store';

/** How many recent classes "how it moves" looks at. */
export const RECENT_CLASSES = 8;
/** A direction (more or less often lately) is named only with at least this many classes to compare. */
export const MIN_CLASSES_FOR_DIRECTION = 4;
/** The share of classes must differ by more than a third between the older and the recent half (one class in six is chance). */
export const DIRECTION_STEP = 0.34;

export type FlagKind = JourneyFlag['kind'];
export interface KindCounts {
  tension: number;
  relief: number;
}
export type Direction = 'more' | 'less' | 'steady';

/** One region and one kind across the recent classes, oldest first. */
export interface RegionMovement {
  region: RegionId;
  kind: FlagKind;
  /** This kind's flags in this region, per recent class, oldest first. */
  perClass: number[];
  /** In how many of those classes it came up at all. */
  classesWith: number;
  /** Lately (the recent half against the older half); null with too few classes to say. */
  direction: Direction | null;
}

/** A sequence done more than once: its classes oldest first, and the cues that most often drew tension. */
export interface SequenceHistory {
  title: string;
  /** The language of its latest class (the cue texts are in it). */
  language: 'cs' | 'en';
  classes: { entryId: string; joinedAt: number; counts: KindCounts }[];
  /** Cues (by text) that drew the person's tension in at least two of these classes, most often first. */
  tenseCues: { text: string; classesWith: number }[];
}

export interface JourneyOverview {
  classes: number;
  firstAt: number | null;
  /** Every kept flag with a region, summed per region, for the body figure. */
  heat: Partial<Record<RegionId, KindCounts>>;
  recentClasses: number;
  movements: RegionMovement[];
  sequences: SequenceHistory[];
  /** Newest first. */
  entries: JourneyEntry[];
}

export function countKinds(flags: JourneyFlag[]): KindCounts {
  const counts = { tension: 0, relief: 0 };
  for (const f of flags) counts[f.kind] += 1;
  return counts;
}

/** The regions an entry's flags name, each with its counts, most flagged first. */
export function entryRegions(entry: JourneyEntry): { region: RegionId; counts: KindCounts }[] {
  const byRegion = new Map<RegionId, KindCounts>();
  for (const f of entry.flags) {
    if (!f.region) continue;
    const counts = byRegion.get(f.region) ?? { tension: 0, relief: 0 };
    counts[f.kind] += 1;
    byRegion.set(f.region, counts);
  }
  return [...byRegion].map(([region, counts]) => ({ region, counts })).sort((a, b) => b.counts.tension + b.counts.relief - (a.counts.tension + a.counts.relief));
}

/**
 * More or less often lately: the share of classes in which it came up, in the recent half against the older
 * half (the middle class of an odd number counts to the recent half).
 */
export function direction(perClass: number[]): Direction | null {
  if (perClass.length < MIN_CLASSES_FOR_DIRECTION) return null;
  const half = Math.floor(perClass.length / 2);
  const share = (part: number[]) => part.filter((n) => n > 0).length / part.length;
  const change = share(perClass.slice(half)) - share(perClass.slice(0, half));
  return change >= DIRECTION_STEP ? 'more' : change <= -DIRECTION_STEP ? 'less' : 'steady';
}

function movements(recent: JourneyEntry[]): RegionMovement[] {
  const keys = new Set<string>();
  for (const e of recent) for (const f of e.flags) if (f.region) keys.add(`${f.kind} ${f.region}`);
  return [...keys]
    .map((key) => {
      const [kind, region] = key.split(' ') as [FlagKind, RegionId];
      const perClass = recent.map((e) => e.flags.filter((f) => f.kind === kind && f.region === region).length);
      return { region, kind, perClass, classesWith: perClass.filter((n) => n > 0).length, direction: direction(perClass) };
    })
    .sort((a, b) => b.classesWith - a.classesWith || (a.kind === b.kind ? a.region.localeCompare(b.region) : a.kind === 'tension' ? -1 : 1));
}

function sequences(entries: JourneyEntry[]): SequenceHistory[] {
  const byTitle = new Map<string, JourneyEntry[]>();
  for (const e of entries) byTitle.set(e.title, [...(byTitle.get(e.title) ?? []), e]);
  return [...byTitle]
    .filter(([, group]) => group.length > 1)
    .map(([title, group]) => {
      const tenseIn = new Map<string, number>();
      for (const e of group) {
        const texts = new Set(e.flags.filter((f) => f.kind === 'tension').map((f) => e.cues.find((c) => c.index === f.cueIndex)?.text).filter((t) => t !== undefined));
        for (const t of texts) tenseIn.set(t, (tenseIn.get(t) ?? 0) + 1);
      }
      return {
        title,
        language: group.at(-1)!.language,
        classes: group.map((e) => ({ entryId: e.id, joinedAt: e.joinedAt, counts: countKinds(e.flags) })),
        tenseCues: [...tenseIn]
          .filter(([, n]) => n >= 2)
          .map(([text, classesWith]) => ({ text, classesWith }))
          .sort((a, b) => b.classesWith - a.classesWith)
          .slice(0, 3),
      };
    })
    .sort((a, b) => b.classes.at(-1)!.joinedAt - a.classes.at(-1)!.joinedAt);
}

/** Everything the view shows, from the journey as kept. */
export function overview(journey: Journey): JourneyOverview {
  const entries = [...journey.entries].sort((a, b) => a.joinedAt - b.joinedAt);
  const heat: Partial<Record<RegionId, KindCounts>> = {};
  for (const e of entries)
    for (const f of e.flags) {
      if (!f.region) continue;
      const counts = (heat[f.region] ??= { tension: 0, relief: 0 });
      counts[f.kind] += 1;
    }
  const recent = entries.slice(-RECENT_CLASSES);
  return {
    classes: entries.length,
    firstAt: entries[0]?.joinedAt ?? null,
    heat,
    recentClasses: recent.length,
    movements: movements(recent),
    sequences: sequences(entries),
    entries: entries.reverse(),
  };
}
