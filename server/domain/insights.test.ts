import { describe, expect, it } from 'vitest';
import type { RegionId } from '../../shared/regions.js';
import { buildInsights, INSIGHT_MAX_CLASSES, wilsonLower, type InsightClassInput } from './insights.js';
import type { FlagGroup } from './summary.js';

/** One cue's answers in a made-up class: who flagged tension / relief, and where the tension flags were. */
interface MadeUpCue {
  tension?: number;
  relief?: number;
  /** Participants who flagged both kinds (counted once in the cue's participants). */
  both?: number;
  tensionRegion?: RegionId;
  /** Of the tension flags, how many named `tensionRegion` (all by default); the rest name none. */
  inRegion?: number;
}

const texts = ['Shoulders down', 'Head forward', 'Breathe out', 'Release'];

/** A made-up class: `joined` participants, one flag per participant and kind, every cue shown unless told. */
function madeUp(id: string, joined: number, cues: Record<number, MadeUpCue>, options: { cueTexts?: string[]; shown?: number[] } = {}): InsightClassInput {
  const cueTexts = options.cueTexts ?? texts;
  const cueCount = cueTexts.length;
  const tallies = [];
  const groups: FlagGroup[] = [];
  const flaggers = [];
  for (const [key, cue] of Object.entries(cues)) {
    const cueIndex = Number(key);
    const tension = cue.tension ?? 0;
    const relief = cue.relief ?? 0;
    tallies.push({ cueIndex, tension, relief, participants: tension + relief - (cue.both ?? 0) });
    flaggers.push({ cueIndex, kind: 'tension' as const, participants: tension }, { cueIndex, kind: 'relief' as const, participants: relief });
    const inRegion = cue.tensionRegion ? (cue.inRegion ?? tension) : 0;
    if (inRegion > 0) groups.push({ cueIndex, kind: 'tension', region: cue.tensionRegion!, strength: null, flags: inRegion });
    if (tension - inRegion > 0) groups.push({ cueIndex, kind: 'tension', region: null, strength: null, flags: tension - inRegion });
    if (relief > 0) groups.push({ cueIndex, kind: 'relief', region: null, strength: null, flags: relief });
  }
  return {
    classId: id,
    participants: joined,
    cueTexts,
    shownCues: options.shown ?? [...Array(cueCount).keys()],
    figures: { cues: tallies, groups },
    flaggers,
  };
}

/** A class of six where cue 2 ("Head forward") draws tension in the neck from five and the others little. */
const neckClass = (id: string) =>
  madeUp(id, 6, { 0: { tension: 1, relief: 3 }, 1: { tension: 5, tensionRegion: 'neck' }, 2: { relief: 2 }, 3: { relief: 6 } });
/** A class of six where nothing stands out. */
const quietClass = (id: string) => madeUp(id, 6, { 0: { tension: 2, relief: 1 }, 1: { tension: 2, relief: 1 }, 2: { tension: 2 }, 3: { tension: 1, relief: 2 } });

describe('wilsonLower', () => {
  it('is the lower bound of the 95% Wilson score interval', () => {
    expect(wilsonLower(0, 10)).toBe(0);
    expect(wilsonLower(5, 10)).toBeCloseTo(0.2366, 4);
    expect(wilsonLower(3, 3)).toBeCloseTo(3 / (3 + 1.96 ** 2), 6);
    expect(wilsonLower(0, 0)).toBe(0);
  });

  it('is wider with fewer participants: the same share counts for less', () => {
    expect(wilsonLower(2, 3)).toBeLessThan(wilsonLower(20, 30));
  });
});

describe('buildInsights', () => {
  it('names a cue that drew tension in the neck from most participants in four of the last five classes, with the numbers', () => {
    const classes = [neckClass('a'), neckClass('b'), quietClass('c'), neckClass('d'), neckClass('e')];
    const insights = buildInsights(classes, texts, 3);
    expect(insights.consideredClasses).toBe(5);
    expect(insights.mostCountedClasses).toBe(5);
    expect(insights.tension).toEqual([
      {
        cueIndex: 1,
        text: 'Head forward',
        kind: 'tension',
        classes: 4,
        countedClasses: 5,
        flaggedBy: 20,
        joined: 24,
        classAverage: expect.closeTo(6 / 24, 6),
        region: { region: 'neck', flags: 20, of: 20 },
      },
    ]);
  });

  it('names cues that reliably bring relief the same way', () => {
    const insights = buildInsights([neckClass('a'), neckClass('b'), neckClass('c')], texts, 3);
    // Cue 4: all six feel relief where the class averages 11 of 24; cue 1's three of six is not enough.
    expect(insights.relief.map((c) => [c.cueIndex, c.classes, c.flaggedBy, c.joined])).toEqual([[3, 3, 18, 18]]);
    expect(insights.relief[0]!.classAverage).toBeCloseTo(11 / 24, 6);
    expect(insights.relief[0]!.region).toBeNull();
  });

  it('names nothing after two standing-out classes, and the cue after the third', () => {
    const two = buildInsights([quietClass('a'), neckClass('b'), neckClass('c')], texts, 3);
    expect(two.tension).toEqual([]);
    expect(two.mostCountedClasses).toBe(3);
    const three = buildInsights([quietClass('a'), neckClass('b'), neckClass('c'), neckClass('d')], texts, 3);
    expect(three.tension.map((c) => [c.text, c.classes, c.countedClasses])).toEqual([['Head forward', 3, 4]]);
  });

  it('counts a class for a cue only when at least K participants flagged it there', () => {
    // Three participants; on cue 2 all who flagged it felt tension, on the other cues nobody flagged.
    const small = (id: string, flaggedBy: number) => madeUp(id, 3, { 1: { tension: flaggedBy, tensionRegion: 'neck' } });
    const atK = buildInsights([small('a', 3), small('b', 3), small('c', 3)], texts, 3);
    expect(atK.tension.map((c) => [c.cueIndex, c.classes, c.region?.region])).toEqual([[1, 3, 'neck']]);

    const belowK = buildInsights([small('a', 2), small('b', 2), small('c', 2)], texts, 3);
    expect(belowK.tension).toEqual([]);
    expect(belowK.relief).toEqual([]);
    expect(belowK.mostCountedClasses).toBe(0);

    // The instructor's own K: with K = 2 the two flaggers count (and 2 of 3 clears an average of 2 of 12).
    expect(buildInsights([small('a', 2), small('b', 2), small('c', 2)], texts, 2).tension.map((c) => c.cueIndex)).toEqual([1]);
    // K is about who answered the cue, either kind: two tension and one relief make three.
    const mixed = (id: string) => madeUp(id, 3, { 1: { tension: 2, relief: 1, tensionRegion: 'neck' } });
    expect(buildInsights([mixed('a'), mixed('b'), mixed('c')], texts, 3).mostCountedClasses).toBe(3);
  });

  it('judges with the interval, not the raw share: two of three is not enough beside an average of one in three', () => {
    const room = (id: string) =>
      madeUp(id, 3, { 0: { tension: 1, relief: 2 }, 1: { tension: 2, relief: 1 }, 2: { tension: 1, relief: 2 }, 3: { relief: 3 } });
    const insights = buildInsights([room('a'), room('b'), room('c'), room('d')], texts, 3);
    // Raw: cue 2 has 2/3 = 0.67 against an average of 4/12 = 0.33; its interval's lower bound is 0.21.
    expect(wilsonLower(2, 3)).toBeLessThan(1 / 3);
    expect(insights.tension).toEqual([]);
    expect(insights.mostCountedClasses).toBe(4);
  });

  it('does not count classes that never reached the cue, nor classes whose snapshot lacked it', () => {
    const unreached = (id: string) => madeUp(id, 6, { 0: { tension: 1, relief: 4 } }, { shown: [0] });
    const shorter = (id: string) => madeUp(id, 6, { 0: { tension: 1 } }, { cueTexts: texts.slice(0, 1) });
    const insights = buildInsights([neckClass('a'), unreached('b'), neckClass('c'), shorter('d'), neckClass('e')], texts, 3);
    expect(insights.tension.map((c) => [c.cueIndex, c.classes, c.countedClasses])).toEqual([[1, 3, 3]]);
    // In the class that stopped after cue 1, the average is over that one cue: its relief is 4 of 6, not 4 of 24.
    expect(insights.relief.map((c) => c.cueIndex)).not.toContain(0);
  });

  it('judges a class of an earlier version on its own cues: the same cue found by its text, wherever it stood', () => {
    // Version 1 had "Head forward" last; version 2 moved it to second. The older classes' tension on it counts
    // for it, and their tension on what now stands second ("Shoulders down" then) does not.
    const v1 = ['Breathe out', 'Release', 'Shoulders down', 'Head forward'];
    const old = (id: string) =>
      madeUp(id, 6, { 0: { relief: 2 }, 1: { relief: 6 }, 2: { tension: 1, relief: 3 }, 3: { tension: 5, tensionRegion: 'neck' } }, { cueTexts: v1 });
    const insights = buildInsights([old('a'), old('b'), neckClass('c')], texts, 3);
    expect(insights.tension.map((c) => [c.cueIndex, c.text, c.classes, c.region?.region])).toEqual([[1, 'Head forward', 3, 'neck']]);
    expect(insights.relief.map((c) => [c.text, c.classes])).toEqual([['Release', 3]]);
    // By position, the older classes would have said "Head forward" (then "Release") brought relief: it did not.
    expect(insights.relief.map((c) => c.text)).not.toContain('Head forward');
  });

  it('does not count a class whose version lacked the cue, nor one where it was reworded', () => {
    const reworded = texts.map((t) => (t === 'Head forward' ? 'Head gently forward' : t));
    const other = (id: string) => madeUp(id, 6, { 1: { tension: 5, tensionRegion: 'neck' }, 3: { relief: 6 } }, { cueTexts: reworded });
    const insights = buildInsights([other('a'), other('b'), neckClass('c'), neckClass('d')], texts, 3);
    expect(insights.tension).toEqual([]);
    expect(insights.relief.map((c) => [c.text, c.classes])).toEqual([['Release', 4]]);
  });

  it('considers only the newest classes', () => {
    const old = Array.from({ length: 3 }, (_, i) => neckClass(`old${i}`));
    const recent = Array.from({ length: INSIGHT_MAX_CLASSES }, (_, i) => quietClass(`new${i}`));
    const insights = buildInsights([...old, ...recent], texts, 3);
    expect(insights.consideredClasses).toBe(INSIGHT_MAX_CLASSES);
    expect(insights.tension).toEqual([]);
    // Oldest first: the same classes the other way round name the cue.
    expect(buildInsights([...recent, ...old], texts, 3).tension).toHaveLength(1);
  });

  it('names a region only when more than half of the tension flags sit there', () => {
    const half = (id: string) =>
      madeUp(id, 6, { 0: { tension: 1, relief: 3 }, 1: { tension: 6, tensionRegion: 'neck', inRegion: 3 }, 2: { relief: 2 }, 3: { relief: 4 } });
    expect(buildInsights([half('a'), half('b'), half('c')], texts, 3).tension[0]!.region).toBeNull();
    const most = (id: string) =>
      madeUp(id, 6, { 0: { tension: 1, relief: 3 }, 1: { tension: 6, tensionRegion: 'neck', inRegion: 4 }, 2: { relief: 2 }, 3: { relief: 4 } });
    expect(buildInsights([most('a'), most('b'), most('c')], texts, 3).tension[0]!.region).toEqual({ region: 'neck', flags: 12, of: 18 });
  });

  it('counts participants, not taps: one participant tapping tension many times does not make a cue stand out', () => {
    const tapper = (id: string) => {
      const c = madeUp(id, 6, { 0: { relief: 3 }, 1: { tension: 1, relief: 2 }, 2: { relief: 2 }, 3: { relief: 3 } });
      c.figures.cues[1]!.tension = 20;
      return c;
    };
    expect(buildInsights([tapper('a'), tapper('b'), tapper('c')], texts, 3).tension).toEqual([]);
  });

  it('falls back to flags capped at the cue’s participants where the raw flags were archived', () => {
    const archived = (id: string) => ({ ...neckClass(id), flaggers: [] });
    const insights = buildInsights([archived('a'), archived('b'), archived('c')], texts, 3);
    expect(insights.tension.map((c) => [c.cueIndex, c.flaggedBy, c.joined])).toEqual([[1, 15, 18]]);
  });

  it('has nothing to say without classes, or when nobody joined', () => {
    expect(buildInsights([], texts, 3)).toMatchObject({ consideredClasses: 0, mostCountedClasses: 0, tension: [], relief: [] });
    const empty = (id: string) => madeUp(id, 0, {});
    expect(buildInsights([empty('a'), empty('b'), empty('c')], texts, 3)).toMatchObject({ consideredClasses: 3, tension: [], relief: [] });
  });
});
