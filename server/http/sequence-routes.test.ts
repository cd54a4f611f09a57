import { describe, expect, it } from 'vitest';
import { fileName } from './sequence-routes.js';

describe('an exported file', () => {
  it('is named after its title, diacritics kept, nothing unsafe', () => {
    expect(fileName('Ramena u uší')).toBe('ramena-u-uší');
    expect(fileName('Breathing: where does the breath go?')).toBe('breathing-where-does-the-breath-go');
    expect(fileName('../../etc')).toBe('etc');
    expect(fileName('!!!')).toBe('sequence');
  });
});
