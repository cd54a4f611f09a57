import { z } from 'zod';
import { regionIds } from '../regions.js';

/** The languages a sequence (and the interface) can be in. */
export const languageSchema = z.enum(['cs', 'en']);
export type Language = z.infer<typeof languageSchema>;

/** One step of a sequence: what participants read, what only the instructor reads, where it focuses. */
export const cueSchema = z.object({
  text: z.string().trim().min(1).max(280),
  note: z.string().trim().max(1000).optional(),
  regions: z.array(z.enum(regionIds)).max(regionIds.length).default([]),
  /** Seconds; a cue with a duration shows a countdown. */
  durationSeconds: z.number().int().min(5).max(900).optional(),
});
export type Cue = z.infer<typeof cueSchema>;

/** What an instructor writes: the body of a create or update of a sequence. */
export const sequenceInputSchema = z.object({
  title: z.string().trim().min(1).max(120),
  language: languageSchema,
  cues: z.array(cueSchema).min(1).max(100),
});
export type SequenceInput = z.infer<typeof sequenceInputSchema>;

/** A stored sequence as the API returns it. */
export interface Sequence extends SequenceInput {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** The versioned JSON file of one sequence: export, import and the starter library (docs/sequence-format.md). */
export const sequenceFileSchema = sequenceInputSchema.extend({
  format: z.literal('attune.sequence/v1'),
});
export type SequenceFile = z.infer<typeof sequenceFileSchema>;
