import { describe, expect, it } from 'vitest';
import { emptyJourney, type Journey, type JourneyEntry } from '../../lib/journey-store';
import { journeyFileContent, journeyFileName, MAX_FILE_BYTES, mergeJourneys, parseJourneyFile } from './journey-file';

const entry = (id: string, joinedAt: number, over: Partial<JourneyEntry> = {}): JourneyEntry => ({
  id,
  code: 'K7MPQ2',
  joinedAt,
  title: 'Shoulders',
  language: 'en',
  cueCount: 2,
  cues: [{ index: 0, text: 'Let the shoulders drop' }],
  flags: [{ id: `${id}-f`, cueIndex: 0, kind: 'tension', region: 'neck', strength: 2 }],
  feedback: { feeling: 'better', rating: 4, comment: 'Díky' },
  ...over,
});
const journey = (...entries: JourneyEntry[]): Journey => ({ ...emptyJourney(), entries });

describe('a journey file', () => {
  it('reads back exactly what was exported', () => {
    const kept = journey(entry('a', 1_000), entry('b', 2_000, { feedback: undefined }));
    delete kept.entries[1]!.feedback;
    expect(parseJourneyFile(journeyFileContent(kept))).toEqual({ ok: true, journey: kept });
  });

  it('says what is wrong with a file that is not a journey', () => {
    expect(parseJourneyFile('{"format": "attune.journey"')).toEqual({ ok: false, problem: 'not-json' });
    expect(parseJourneyFile('[]')).toEqual({ ok: false, problem: 'not-journey' });
    expect(parseJourneyFile(JSON.stringify({ format: 'attune.summary/v1', entries: [] }))).toEqual({ ok: false, problem: 'not-journey' });
    expect(parseJourneyFile(JSON.stringify({ format: 'attune.journey', version: 2, entries: [] }))).toEqual({ ok: false, problem: 'newer-version' });
    expect(parseJourneyFile('x'.repeat(MAX_FILE_BYTES + 1))).toEqual({ ok: false, problem: 'too-large' });
  });

  it('refuses a journey with one bad field anywhere, rather than importing part of it', () => {
    const bad: [string, unknown][] = [
      ['an unknown region', { flags: [{ id: 'f', cueIndex: 0, kind: 'tension', region: 'tail' }] }],
      ['a strength of 4', { flags: [{ id: 'f', cueIndex: 0, kind: 'relief', strength: 4 }] }],
      ['a kind that is not a flag', { flags: [{ id: 'f', cueIndex: 0, kind: 'joy' }] }],
      ['a rating of 6', { feedback: { feeling: 'better', rating: 6 } }],
      ['no date', { joinedAt: 'Monday' }],
      ['an empty id', { id: '' }],
      ['a language of its own', { language: 'de' }],
      ['a cue without text', { cues: [{ index: 0 }] }],
      ['a title too long', { title: 'x'.repeat(201) }],
    ];
    for (const [why, change] of bad) {
      const file = JSON.stringify(journey(entry('ok', 1_000), { ...entry('bad', 2_000), ...(change as object) }));
      expect(parseJourneyFile(file), why).toEqual({ ok: false, problem: 'not-journey' });
    }
  });

  it('leaves out fields it does not know', () => {
    const file = JSON.stringify({ ...journey({ ...entry('a', 1_000), token: 'secret' } as JourneyEntry), extra: 1 });
    const parsed = parseJourneyFile(file);
    expect(parsed.ok && parsed.journey.entries[0]).not.toHaveProperty('token');
    expect(parsed.ok && parsed.journey).not.toHaveProperty('extra');
  });

  it('merges without duplicating a class, oldest first', () => {
    const mine = journey(entry('a', 1_000), entry('c', 3_000));
    const imported = journey(entry('b', 2_000), entry('a', 1_000), entry('d', 4_000));
    const merged = mergeJourneys(mine, imported);
    expect(merged.journey.entries.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(merged).toMatchObject({ added: 2, alreadyHere: 1 });
    // Importing the same file again changes nothing.
    const again = mergeJourneys(merged.journey, imported);
    expect(again.journey.entries).toEqual(merged.journey.entries);
    expect(again).toMatchObject({ added: 0, alreadyHere: 3 });
  });

  it('is named by the local date', () => {
    expect(journeyFileName(new Date(2025, 2, 10, 23, 30))).toBe('attune-journey-2025-03-10.json');
  });
});
