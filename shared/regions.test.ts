import { describe, expect, it } from 'vitest';
import { isRegionId, regionIds } from './regions.js';

describe('the region vocabulary', () => {
  it('has stable, unique English slugs', () => {
    expect(new Set(regionIds).size).toBe(regionIds.length);
    for (const id of regionIds) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });
  it('covers the body as the product needs it: left and right where it matters', () => {
    const required = ['head', 'jaw', 'neck', 'chest', 'upper-back', 'lower-back', 'abdomen'];
    for (const paired of ['shoulder', 'hip', 'arm', 'hand', 'knee', 'foot']) required.push(`${paired}-left`, `${paired}-right`);
    expect([...regionIds].sort()).toEqual(expect.arrayContaining(required.sort()));
  });
  it('tells region ids from anything else', () => {
    expect(isRegionId('neck')).toBe(true);
    expect(isRegionId('Neck')).toBe(false);
    expect(isRegionId('elbow')).toBe(false);
    expect(isRegionId(undefined)).toBe(false);
  });
});
