import { z } from 'zod';
import { regionIds } from '../regions.js';

/**
 * One Tension or Relief tap. `flagId` is made on the phone, so a retried delivery counts once; `cueIndex` is
 * the cue that was on the screen when it was tapped, even if the class has moved on since.
 */
export const flagSubmitSchema = z.object({
  flagId: z.uuid(),
  cueIndex: z.number().int().min(0).max(99),
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
