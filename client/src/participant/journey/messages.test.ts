import { describe, expect, it } from 'vitest';
import { cs as phoneCs } from '../messages.cs';
import { cs } from './messages.cs';
import { en } from './messages.en';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('My journey’s catalogues', () => {
  it('have the same keys and placeholders in Czech and English, none empty', () => {
    expect(Object.keys(cs).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(cs[key].trim()).not.toBe('');
      expect(placeholders(cs[key]), key).toEqual(placeholders(en[key]));
    }
  });
  it('define no key the phone’s catalogues already have', () => {
    expect(Object.keys(en).filter((key) => key in phoneCs)).toEqual([]);
  });
});
