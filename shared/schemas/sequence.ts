import { z } from 'zod';
import { regionIds } from '../regions.js';
import { storable } from './storable-text.js';

/*
 * The messages below are written for people reading an import's refusal: with the field's path in front they
 * read "cues[3].text: must be 1-280 characters" (shared/issues.ts). The editor shows its own translated
 * messages per field; these are the server's and the file format's words.
 */

/** The limits of a sequence, shared by the schema, the editor's counters and docs/sequence-format.md. */
export const sequenceLimits = {
  titleMax: 120,
  textMax: 280,
  noteMax: 1000,
  cuesMax: 100,
  durationMin: 5,
  durationMax: 900,
} as const;
const L = sequenceLimits;

/** The languages a sequence (and the interface) can be in. */
export const languageSchema = z.enum(['cs', 'en'], { error: 'must be "cs" or "en"' });
export type Language = z.infer<typeof languageSchema>;

/** An object that refuses fields it does not know, naming them: a misspelt field in a file is not dropped silently. */
const unknownFields = {
  error: (issue: z.core.$ZodRawIssue) =>
    issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'must be an object',
};

const text = (max: number, problem: string) =>
  storable(z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') }).trim().min(1, problem).max(max, problem));

/** One step of a sequence: what participants read, what only the instructor reads, where it focuses. */
export const cueSchema = z.strictObject(
  {
    text: text(L.textMax, `must be 1-${L.textMax} characters`),
    note: storable(z.string({ error: 'must be text' }).trim().max(L.noteMax, `must be at most ${L.noteMax} characters`)).optional(),
    regions: z
      .array(z.enum(regionIds, { error: 'must be a region id such as "neck" or "shoulder-left" (docs/sequence-format.md)' }), {
        error: 'must be a list of region ids',
      })
      .refine((ids) => new Set(ids).size === ids.length, 'must not name a region twice')
      .default([]),
    /** Seconds; a cue with a duration shows a countdown. */
    durationSeconds: z
      .number({ error: 'must be a whole number of seconds' })
      .int('must be a whole number of seconds')
      .min(L.durationMin, `must be ${L.durationMin}-${L.durationMax} seconds`)
      .max(L.durationMax, `must be ${L.durationMin}-${L.durationMax} seconds`)
      .optional(),
  },
  unknownFields,
);
export type Cue = z.infer<typeof cueSchema>;

/** What an instructor writes: the body of a create or update of a sequence (the cues in their order). */
export const sequenceInputSchema = z.strictObject(
  {
    title: text(L.titleMax, `must be 1-${L.titleMax} characters`),
    language: languageSchema,
    cues: z
      .array(cueSchema, { error: 'must be a list of cues' })
      .min(1, `must have 1-${L.cuesMax} cues`)
      .max(L.cuesMax, `must have 1-${L.cuesMax} cues`),
  },
  unknownFields,
);
export type SequenceInput = z.infer<typeof sequenceInputSchema>;

/** A stored sequence as the API returns it. */
export interface Sequence extends SequenceInput {
  id: string;
  createdAt: number;
  updatedAt: number;
}

/** The `format` value of version 1 of the sequence file. */
export const SEQUENCE_FORMAT = 'attune.sequence/v1';

/** The largest sequence file import accepts, in bytes (a full sequence of 100 long cues is a fraction of it). */
export const SEQUENCE_FILE_MAX_BYTES = 1024 * 1024;

/** The versioned JSON file of one sequence: export, import and the starter library (docs/sequence-format.md). */
export const sequenceFileSchema = z.strictObject(
  {
    format: z.literal(SEQUENCE_FORMAT, { error: `must be "${SEQUENCE_FORMAT}"` }),
    ...sequenceInputSchema.shape,
  },
  unknownFields,
);
export type SequenceFile = z.infer<typeof sequenceFileSchema>;
