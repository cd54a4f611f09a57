import { describe, expect, it } from 'vitest';
import { regionIds } from '../../../shared/regions';
import { MIN_HIT_UNITS, regionShapes, VIEW_GAP, VIEW_WIDTH, type RegionShape } from './body-figure-shapes';

const views = ['front', 'back'] as const;
const overlaps = (a: RegionShape['hit'], b: RegionShape['hit']) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('the body figure’s drawing', () => {
  it('makes every region exactly one control, in one of the two views', () => {
    const primaries = views.flatMap((v) => regionShapes(v).filter((s) => s.isPrimary).map((s) => s.id));
    expect([...primaries].sort()).toEqual([...regionIds].sort());
    for (const v of views) {
      const ids = regionShapes(v).map((s) => s.id);
      expect(new Set(ids).size, v).toBe(ids.length);
    }
    expect(regionShapes('front').map((s) => s.id)).toContain('jaw');
    expect(regionShapes('back').find((s) => s.id === 'upper-back')?.isPrimary).toBe(true);
  });

  it('gives every control a finger-sized target that no other control covers', () => {
    // Two views side by side on a 390-px phone are drawn at least this wide: 44 px needs MIN_HIT_UNITS.
    const narrowestWidthPx = 300;
    expect((MIN_HIT_UNITS * narrowestWidthPx) / (2 * VIEW_WIDTH + VIEW_GAP)).toBeGreaterThanOrEqual(43.9);
    for (const v of views) {
      const controls = regionShapes(v).filter((s) => s.isPrimary);
      for (const c of controls) {
        expect(Math.min(c.hit.width, c.hit.height), `${v} ${c.id}`).toBeGreaterThanOrEqual(MIN_HIT_UNITS);
        for (const other of controls) if (other !== c) expect(overlaps(c.hit, other.hit), `${c.id} × ${other.id}`).toBe(false);
      }
    }
  });

  it('puts the person’s left on the viewer’s right from the front, and on the viewer’s left from the back', () => {
    for (const paired of ['shoulder', 'hip', 'arm', 'hand', 'knee', 'foot']) {
      const x = (view: 'front' | 'back', side: string) => regionShapes(view).find((s) => s.id === `${paired}-${side}`)!.centre.x;
      expect(x('front', 'left'), paired).toBeGreaterThan(x('front', 'right'));
      expect(x('back', 'left'), paired).toBeLessThan(x('back', 'right'));
    }
  });
});
