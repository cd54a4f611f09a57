import { describe, expect, it } from 'vitest';
import { formatIssues } from '../issues.js';
import { regionIds } from '../regions.js';
import { cueSchema, sequenceFileSchema, sequenceInputSchema } from './sequence.js';

const file = {
  format: 'attune.sequence/v1',
  title: 'Neck',
  language: 'en',
  cues: [{ text: 'Notice your neck.', note: 'Slowly.', regions: ['neck'], durationSeconds: 30 }],
};

function problems(value: unknown): string[] {
  const result = sequenceFileSchema.safeParse(value);
  return result.success ? [] : formatIssues(result.error);
}

describe('a cue', () => {
  it('needs 1-280 characters of text (after trimming) and nothing else', () => {
    expect(cueSchema.parse({ text: '  Notice.  ' })).toEqual({ text: 'Notice.', regions: [] });
    expect(cueSchema.safeParse({ text: 'x'.repeat(280) }).success).toBe(true);
    expect(cueSchema.safeParse({ text: 'x'.repeat(281) }).success).toBe(false);
    expect(cueSchema.safeParse({ text: ' ' }).success).toBe(false);
  });
  it('takes a duration of 5-900 whole seconds, a note of up to 1000 characters, regions of the vocabulary once each', () => {
    for (const durationSeconds of [5, 900]) expect(cueSchema.safeParse({ text: 'a', durationSeconds }).success).toBe(true);
    for (const durationSeconds of [4, 901, 30.5, '30']) expect(cueSchema.safeParse({ text: 'a', durationSeconds }).success).toBe(false);
    expect(cueSchema.safeParse({ text: 'a', note: 'x'.repeat(1000) }).success).toBe(true);
    expect(cueSchema.safeParse({ text: 'a', note: 'x'.repeat(1001) }).success).toBe(false);
    expect(cueSchema.safeParse({ text: 'a', regions: [...regionIds] }).success).toBe(true);
    expect(cueSchema.safeParse({ text: 'a', regions: ['neck', 'neck'] }).success).toBe(false);
  });
});

describe('a sequence', () => {
  it('has a title of 1-120 characters, a language and 1-100 cues', () => {
    const input = { title: 'T', language: 'cs', cues: [{ text: 'a' }] };
    expect(sequenceInputSchema.safeParse(input).success).toBe(true);
    expect(sequenceInputSchema.safeParse({ ...input, title: 'x'.repeat(121) }).success).toBe(false);
    expect(sequenceInputSchema.safeParse({ ...input, language: 'de' }).success).toBe(false);
    expect(sequenceInputSchema.safeParse({ ...input, cues: Array(101).fill({ text: 'a' }) }).success).toBe(false);
  });
});

describe('the sequence file', () => {
  it('accepts a valid file and keeps every field as written', () => {
    expect(sequenceFileSchema.parse(file)).toEqual(file);
  });

  it('names the field and the problem of each mistake', () => {
    const cues = [file.cues[0], file.cues[0], file.cues[0], { text: 'x'.repeat(281), regions: ['elbow'], durationSeconds: 2 }];
    expect(problems({ ...file, cues })).toEqual([
      'cues[3].text: must be 1-280 characters',
      'cues[3].regions[0]: must be a region id such as "neck" or "shoulder-left" (docs/sequence-format.md)',
      'cues[3].durationSeconds: must be 5-900 seconds',
    ]);
    expect(problems({ ...file, format: 'attune.sequence/v2' })).toEqual(['format: must be "attune.sequence/v1"']);
    expect(problems({ ...file, title: undefined })).toEqual(['title: is required']);
    expect(problems({ ...file, cues: [] })).toEqual(['cues: must have 1-100 cues']);
    expect(problems({ ...file, cues: 'none' })).toEqual(['cues: must be a list of cues']);
    expect(problems({ ...file, language: 'de' })).toEqual(['language: must be "cs" or "en"']);
    expect(problems([file])).toEqual(['(payload): must be an object']);
  });

  it('refuses fields it does not know, naming them, rather than dropping them silently', () => {
    expect(problems({ ...file, author: 'x' })).toEqual(['(payload): unknown field "author"']);
    expect(problems({ ...file, cues: [{ text: 'a', durationSecond: 30 }] })).toEqual(['cues[0]: unknown field "durationSecond"']);
  });
});
