/**
 * A running class's live tally as one process holds it when it alone serves the class: the counts per cue, the
 * regions per cue and the flags per second of the trend, changed by each stored flag change and read for every
 * tally update, so an update costs the same with 200 flags stored or 200,000. Pure: storage seeds it and says
 * what each write changed; nothing here reads or writes anything else.
 */
import type { RegionId } from '../../shared/regions.js';
import type { CueTally, FlagKind, FlagSecond, LiveTally, RegionTally } from '../../shared/schemas/flag.js';
import { TREND_WINDOW_MS } from './flag-rules.js';

/** What one stored change of a flag did to its class's tallies (storage reports it once the change is committed). */
export type TallyChange =
  | { type: 'counted'; cueIndex: number; kind: FlagKind; region: RegionId | null; createdAt: number; isFirstOfParticipant: boolean }
  | { type: 'undone'; cueIndex: number; kind: FlagKind; region: RegionId | null; createdAt: number; wasLastOfParticipant: boolean }
  | { type: 'moved'; cueIndex: number; kind: FlagKind; from: RegionId | null; to: RegionId | null };

/** The stored tallies a picture starts from: the cues', every cue's regions, and the trend window's seconds. */
export interface TallySeed {
  cues: CueTally[];
  regions: { cueIndex: number; region: RegionId; tension: number; relief: number }[];
  recent: FlagSecond[];
}

export interface TallyPicture {
  cues: Map<number, CueTally>;
  regions: Map<number, RegionTally>;
  /** By epoch second; seconds older than the trend window are dropped as new seconds come and as it is read. */
  seconds: Map<number, FlagSecond>;
}

export function pictureOf(seed: TallySeed): TallyPicture {
  const picture: TallyPicture = { cues: new Map(), regions: new Map(), seconds: new Map() };
  for (const cue of seed.cues) picture.cues.set(cue.cueIndex, { ...cue });
  for (const { cueIndex, region, tension, relief } of seed.regions) regionsOf(picture, cueIndex)[region] = { tension, relief };
  for (const second of seed.recent) picture.seconds.set(second.second, { ...second });
  return picture;
}

/** Applies a committed change: O(1), whatever the class's history. */
export function applyChange(picture: TallyPicture, change: TallyChange): void {
  if (change.type === 'moved') {
    if (change.from === change.to) return;
    addToRegion(picture, change.cueIndex, change.kind, change.from, -1);
    addToRegion(picture, change.cueIndex, change.kind, change.to, 1);
    return;
  }
  const delta = change.type === 'counted' ? 1 : -1;
  const participants = change.type === 'counted' ? Number(change.isFirstOfParticipant) : -Number(change.wasLastOfParticipant);
  const cue = picture.cues.get(change.cueIndex) ?? { cueIndex: change.cueIndex, tension: 0, relief: 0, participants: 0 };
  cue[change.kind] += delta;
  cue.participants += participants;
  picture.cues.set(change.cueIndex, cue);
  addToRegion(picture, change.cueIndex, change.kind, change.region, delta);
  const at = Math.floor(change.createdAt / 1000);
  let second = picture.seconds.get(at);
  if (!second) {
    forgetSecondsBefore(picture, Math.floor((change.createdAt - TREND_WINDOW_MS) / 1000));
    picture.seconds.set(at, (second = { second: at, tension: 0, relief: 0 }));
  }
  second[change.kind] += delta;
}

/** The tally the tablet gets at `now`, with the regions of cue `cueIndex`; read as storage would answer it. */
export function liveTallyOf(picture: TallyPicture, cueIndex: number, now: number): LiveTally {
  forgetSecondsBefore(picture, Math.floor((now - TREND_WINDOW_MS) / 1000));
  const counted = ({ tension, relief }: { tension: number; relief: number }) => tension > 0 || relief > 0;
  const regions: RegionTally = {};
  for (const [region, counts] of Object.entries(picture.regions.get(cueIndex) ?? {}) as [RegionId, { tension: number; relief: number }][]) {
    if (counted(counts)) regions[region] = { ...counts };
  }
  return {
    cues: [...picture.cues.values()].filter(counted).sort((a, b) => a.cueIndex - b.cueIndex).map((cue) => ({ ...cue })),
    cueIndex,
    regions,
    recent: [...picture.seconds.values()].filter(counted).sort((a, b) => a.second - b.second).map((second) => ({ ...second })),
    serverNow: now,
  };
}

function forgetSecondsBefore(picture: TallyPicture, first: number): void {
  for (const second of picture.seconds.keys()) if (second < first) picture.seconds.delete(second);
}

function regionsOf(picture: TallyPicture, cueIndex: number): RegionTally {
  let regions = picture.regions.get(cueIndex);
  if (!regions) picture.regions.set(cueIndex, (regions = {}));
  return regions;
}

function addToRegion(picture: TallyPicture, cueIndex: number, kind: FlagKind, region: RegionId | null, delta: number): void {
  if (region === null) return;
  const regions = regionsOf(picture, cueIndex);
  const counts = regions[region] ?? { tension: 0, relief: 0 };
  counts[kind] += delta;
  regions[region] = counts;
}
