import { describe, expect, it } from 'vitest';
import { regionIds } from '../../../../shared/regions';
import * as clinicCs from '../../instructor/clinic/messages.cs';
import * as clinicEn from '../../instructor/clinic/messages.en';
import * as deskCs from '../../instructor/messages.cs';
import * as deskEn from '../../instructor/messages.en';
import * as phoneCs from '../../participant/messages.cs';
import * as phoneEn from '../../participant/messages.en';
import * as commonCs from './common.cs';
import * as commonEn from './common.en';
import * as errorsCs from './errors.cs';
import * as errorsEn from './errors.en';
import { regionNames } from './regions';

/** The distinct placeholders of a string (a plural string repeats them once per form). */
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

const pairs: [string, Record<string, string>, Record<string, string>][] = [
  ['common', commonEn.en, commonCs.cs],
  ['phone', phoneEn.en, phoneCs.cs],
  ['desk', deskEn.en, deskCs.cs],
  ['errors', errorsEn.en, errorsCs.cs],
  ['clinic', clinicEn.en, clinicCs.cs],
];

describe.each(pairs)('the %s catalogues', (_name, en, cs) => {
  it('have the same keys in Czech and English, none empty', () => {
    expect(Object.keys(cs).sort()).toEqual(Object.keys(en).sort());
    for (const text of [...Object.values(cs), ...Object.values(en)]) expect(text.trim()).not.toBe('');
  });
  it('use the same placeholders in both languages', () => {
    for (const key of Object.keys(en)) expect(placeholders(cs[key]!)).toEqual(placeholders(en[key]!));
  });
});

describe('catalogues together', () => {
  it('never define one key in two catalogues (the later would silently win)', () => {
    const keys = pairs.flatMap(([, en]) => Object.keys(en));
    expect(keys.length).toBe(new Set(keys).size);
  });
  it('name every body region in both languages', () => {
    for (const locale of ['cs', 'en'] as const) expect(Object.keys(regionNames[locale]).sort()).toEqual([...regionIds].sort());
  });
});
