import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET, makeJoinCode, normalizeJoinCode } from './join-code.js';

describe('join codes', () => {
  it('use no look-alike characters', () => {
    for (const ch of '01OILoil') expect(JOIN_CODE_ALPHABET).not.toContain(ch);
  });

  it('are six characters of the alphabet, spread over all of it', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = makeJoinCode((n) => randomBytes(n));
      expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
      for (const ch of code) seen.add(ch);
    }
    expect(seen.size).toBe(JOIN_CODE_ALPHABET.length);
  });

  it('skip biased bytes instead of folding them', () => {
    const bytes = [255, 250, 248, 0, 1, 2, 3, 4, 5];
    expect(makeJoinCode((n) => Uint8Array.from(bytes.splice(0, n)))).toBe('ABCDEF');
  });

  it('normalise what people type', () => {
    expect(normalizeJoinCode(' k7m-pq2 ')).toBe('K7MPQ2');
    expect(normalizeJoinCode('K7MPQ')).toBeNull();
    expect(normalizeJoinCode('K7MPQ0')).toBeNull();
  });
});
