import { describe, expect, it } from 'vitest';
import { regionIds } from '../../../../shared/regions';
import { cs } from './cs';
import { en } from './en';
import { regionNames } from './regions';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  it('have the same keys in Czech and English, none empty', () => {
    expect(Object.keys(cs).sort()).toEqual(Object.keys(en).sort());
    for (const text of [...Object.values(cs), ...Object.values(en)]) expect(text.trim()).not.toBe('');
  });
  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) expect(placeholders(cs[key])).toEqual(placeholders(en[key]));
  });
  it('name every body region in both languages', () => {
    for (const locale of ['cs', 'en'] as const) expect(Object.keys(regionNames[locale]).sort()).toEqual([...regionIds].sort());
  });
});
