import { z } from 'zod';
import { regionIds, type RegionId } from '../regions.js';
import { MAX_CUES_PER_CLASS } from './class.js';

/**
 * One Tension or Relief tap. `flagId` is made on the phone, so a retried delivery counts once; `cueIndex` is
 * the cue that was on the screen when it was tapped, even if the class has moved on since, numbered as in the
 * class state of `revision` the phone showed then (cues added since move the cues after them).
 */
export const flagSubmitSchema = z.object({
  flagId: z.uuid(),
  cueIndex: z.number().int().min(0).max(MAX_CUES_PER_CLASS - 1),
  revision: z.number().int().min(0).optional(),
  kind: z.enum(['tension', 'relief']),
  region: z.enum(regionIds).optional(),
  strength: z.number().int().min(1).max(3).optional(),
});
export type FlagSubmit = z.infer<typeof flagSubmitSchema>;
export type FlagKind = FlagSubmit['kind'];

/** Tension and relief counts of one cue, and how many participants they come from. */
export interface CueTally {
  cueIndex: number;
  tension: number;
  relief: number;
  participants: number;
}

/** Adds where and how strong to a flag already sent: the phone asks after the tap, the answer is optional. */
export const flagDetailSchema = z.object({
  flagId: z.uuid(),
  region: z.enum(regionIds).optional(),
  strength: z.number().int().min(1).max(3).optional(),
});
export type FlagDetail = z.infer<typeof flagDetailSchema>;

/** Takes back the participant's own last flag (the phone offers it for a few seconds after the tap). */
export const flagUndoSchema = z.object({ flagId: z.uuid() });
export type FlagUndo = z.infer<typeof flagUndoSchema>;

/** One cue's flags by region, for the heat map; flags without a region are not in it. */
export type RegionTally = Partial<Record<RegionId, { tension: number; relief: number }>>;

/** A class's flags in one second (epoch seconds), for the live view's 30-second trend. */
export interface FlagSecond {
  second: number;
  tension: number;
  relief: number;
}

/** What the tablet's live view shows of the flags: counts per cue, the current cue's regions, the last 30 s. */
export interface LiveTally {
  cues: CueTally[];
  /** The cue `regions` belongs to (the current one when sent). */
  cueIndex: number;
  regions: RegionTally;
  recent: FlagSecond[];
  serverNow: number;
}
