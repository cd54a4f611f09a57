import { describe, expect, it } from 'vitest';
import type { RegionId } from '../../../../shared/regions';
import { emptyJourney, type JourneyEntry, type JourneyFlag } from '../../lib/journey-store';
import { direction, entryRegions, overview, RECENT_CLASSES } from './journey-insights';

const WEEK = 7 * 24 * 60 * 60_000;
const start = Date.UTC(2025, 0, 6, 17, 0);
let n = 0;
const flag = (kind: JourneyFlag['kind'], region?: RegionId, cueIndex = 0): JourneyFlag => ({ id: `f${n++}`, cueIndex, kind, ...(region ? { region } : {}) });
const entry = (week: number, flags: JourneyFlag[], title = 'Shoulders'): JourneyEntry => ({
  id: `w${week}-${title}`,
  code: 'K7MPQ2',
  joinedAt: start + week * WEEK,
  title,
  language: 'en',
  cueCount: 2,
  cues: [
    { index: 0, text: 'Let the shoulders drop' },
    { index: 1, text: 'Lengthen the back of the neck' },
  ],
  flags,
});

describe('the direction of a region over the recent classes', () => {
  it('says nothing with fewer than four classes', () => {
    expect(direction([1, 0, 0])).toBeNull();
  });
  it('is less often when it came up in the older half and not lately', () => {
    expect(direction([1, 2, 1, 0, 0, 0])).toBe('less');
    expect(direction([0, 0, 1, 1])).toBe('more');
    expect(direction([1, 0, 1, 0, 1, 0])).toBe('steady');
  });
});

describe('the journey overview', () => {
  it('is empty for an empty journey', () => {
    expect(overview(emptyJourney())).toMatchObject({ classes: 0, firstAt: null, heat: {}, movements: [], sequences: [], entries: [] });
  });

  it('sums flags with a region for the figure, newest entry first', () => {
    const o = overview({ ...emptyJourney(), entries: [entry(1, [flag('tension', 'neck'), flag('relief')]), entry(0, [flag('tension', 'neck'), flag('relief', 'neck'), flag('relief', 'chest')])] });
    expect(o.heat).toEqual({ neck: { tension: 2, relief: 1 }, chest: { tension: 0, relief: 1 } });
    expect(o.entries.map((e) => e.id)).toEqual(['w1-Shoulders', 'w0-Shoulders']);
    expect(o.firstAt).toBe(start);
  });

  it('shows the neck less often tense over six weeks, and relief in the back coming', () => {
    const weeks = [
      [flag('tension', 'neck'), flag('tension', 'neck')],
      [flag('tension', 'neck')],
      [flag('tension', 'neck'), flag('relief', 'upper-back')],
      [flag('relief', 'upper-back')],
      [flag('relief', 'upper-back')],
      [flag('relief', 'upper-back'), flag('tension', 'lower-back')],
    ];
    const o = overview({ ...emptyJourney(), entries: weeks.map((flags, week) => entry(week, flags)) });
    const neck = o.movements.find((m) => m.region === 'neck' && m.kind === 'tension')!;
    expect(neck).toEqual({ region: 'neck', kind: 'tension', perClass: [2, 1, 1, 0, 0, 0], classesWith: 3, direction: 'less' });
    expect(o.movements.find((m) => m.region === 'upper-back')).toMatchObject({ kind: 'relief', classesWith: 4, direction: 'more' });
    // Most often first.
    expect(o.movements.map((m) => m.region)).toEqual(['upper-back', 'neck', 'lower-back']);
    expect(o.movements.at(-1)).toMatchObject({ region: 'lower-back', classesWith: 1 });
  });

  it('looks at the recent classes only for how it moves', () => {
    const entries = Array.from({ length: RECENT_CLASSES + 3 }, (_, week) => entry(week, week < 3 ? [flag('tension', 'jaw')] : [flag('relief', 'neck')]));
    const o = overview({ ...emptyJourney(), entries });
    expect(o.recentClasses).toBe(RECENT_CLASSES);
    expect(o.movements.map((m) => m.region)).toEqual(['neck']);
    expect(o.heat.jaw).toEqual({ tension: 3, relief: 0 });
  });

  it('follows a sequence done more than once, and names the cue that keeps drawing tension', () => {
    const entries = [
      entry(0, [flag('tension', 'neck', 1), flag('relief', undefined, 0)]),
      entry(0.5, [flag('tension')], 'Breathing'),
      entry(1, [flag('tension', 'neck', 1), flag('tension', undefined, 0)]),
      entry(2, [flag('relief', 'neck', 1)]),
    ];
    const o = overview({ ...emptyJourney(), entries });
    expect(o.sequences).toHaveLength(1);
    const [shoulders] = o.sequences;
    expect(shoulders!.title).toBe('Shoulders');
    expect(shoulders!.classes.map((c) => c.counts)).toEqual([
      { tension: 1, relief: 1 },
      { tension: 2, relief: 0 },
      { tension: 0, relief: 1 },
    ]);
    expect(shoulders!.tenseCues).toEqual([{ text: 'Lengthen the back of the neck', classesWith: 2 }]);
  });

  it('lists an entry’s regions, most flagged first', () => {
    expect(entryRegions(entry(0, [flag('relief', 'chest'), flag('tension', 'neck'), flag('tension', 'neck'), flag('tension')]))).toEqual([
      { region: 'neck', counts: { tension: 2, relief: 0 } },
      { region: 'chest', counts: { tension: 0, relief: 1 } },
    ]);
  });
});
