import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors.js';
import { copyTitle, distinctTitle, parseSequenceFile } from './sequence-service.js';

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

describe('an imported title', () => {
  it('stays as it is when no other sequence has it', () => {
    expect(distinctTitle('Neck', ['Shoulders'])).toBe('Neck');
  });
  it('gets the next free number when the instructor has it already (case aside)', () => {
    expect(distinctTitle('Neck', ['Neck'])).toBe('Neck (2)');
    expect(distinctTitle('Neck', ['neck', 'Neck (2)'])).toBe('Neck (3)');
    expect(distinctTitle('Neck (2)', ['Neck', 'Neck (2)'])).toBe('Neck (3)');
  });
  it('still fits 120 characters', () => {
    const long = 'x'.repeat(120);
    expect(distinctTitle(long, [long])).toBe('x'.repeat(116) + ' (2)');
  });
});
