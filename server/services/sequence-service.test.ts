import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { copyTitle, parseSequenceFile } from './sequence-service.js';

describe('parsing a sequence file', () => {
  const file = { format: 'attune.sequence/v1', title: 'Neck', language: 'en', cues: [{ text: 'Notice.', regions: [] }] };

  it('reads a valid file', () => {
    expect(parseSequenceFile(JSON.stringify(file))).toEqual(file);
  });

  it('refuses text that is not JSON, and a file with bad fields, naming them', () => {
    expect(() => parseSequenceFile('title: Neck')).toThrow(/not JSON/);
    try {
      parseSequenceFile(JSON.stringify({ ...file, cues: [{ text: '' }] }));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).issues).toEqual(['cues[0].text: must be 1-280 characters']);
    }
  });
});

describe('a duplicate', () => {
  it('says so in the sequence’s language and stays within 120 characters', () => {
    expect(copyTitle('Neck', 'en')).toBe('Neck (copy)');
    expect(copyTitle('Krk', 'cs')).toBe('Krk (kopie)');
    expect(copyTitle('x'.repeat(120), 'en')).toHaveLength(120);
  });
});
