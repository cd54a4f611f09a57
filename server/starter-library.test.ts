import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sequenceFileSchema } from '../shared/schemas/sequence.js';
import { loadStarterLibrary } from './starter-library.js';

const dir = join(import.meta.dirname, 'starter-library');
const files = readdirSync(dir).filter((name) => name.endsWith('.json'));
const themes = [...new Set(files.map((name) => name.replace(/\.(cs|en)\.json$/, '')))];
const read = (name: string) => sequenceFileSchema.parse(JSON.parse(readFileSync(join(dir, name), 'utf8')));

describe('the starter library', () => {
  it('has at least six themes, each in Czech and in English, as sequence files', () => {
    expect(themes.length).toBeGreaterThanOrEqual(6);
    expect(files.sort()).toEqual(themes.flatMap((theme) => [`${theme}.cs.json`, `${theme}.en.json`]).sort());
    for (const theme of themes) {
      expect(read(`${theme}.cs.json`).language).toBe('cs');
      expect(read(`${theme}.en.json`).language).toBe('en');
    }
  });

  it('gives every sequence 8-14 cues, with private notes and focus regions', () => {
    for (const name of files) {
      const { cues } = read(name);
      expect(cues.length, name).toBeGreaterThanOrEqual(8);
      expect(cues.length, name).toBeLessThanOrEqual(14);
      expect(cues.filter((c) => c.note).length, name).toBeGreaterThanOrEqual(3);
      expect(cues.filter((c) => c.regions.length > 0).length, name).toBeGreaterThanOrEqual(cues.length / 2);
    }
  });

  it('says the same in both languages: cue for cue, the same regions and durations', () => {
    for (const theme of themes) {
      const [cs, en] = [read(`${theme}.cs.json`), read(`${theme}.en.json`)];
      expect(cs.cues.map((c) => [c.regions, c.durationSeconds, Boolean(c.note)])).toEqual(
        en.cues.map((c) => [c.regions, c.durationSeconds, Boolean(c.note)]),
      );
    }
  });

  it('writes Czech with its diacritics', () => {
    for (const theme of themes) {
      const text = JSON.stringify(read(`${theme}.cs.json`));
      expect(text, theme).toMatch(/[ěščřžýáíéůú]/);
    }
  });

  it('loads as the sequences every new instructor gets', () => {
    const library = loadStarterLibrary();
    expect(library).toHaveLength(files.length);
    expect(library.every((s) => !('format' in s))).toBe(true);
  });
});
