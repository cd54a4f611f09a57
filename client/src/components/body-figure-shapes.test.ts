import { describe, expect, it } from 'vitest';
import { regionIds } from '../../../shared/regions';
import { regionShapes } from './body-figure-shapes';

const centreX = (d: string) => Number(/^M([\d.]+)/.exec(d)![1]);

describe('the body figure’s drawing', () => {
  it('draws every region in at least one view, each once per view', () => {
    const front = regionShapes('front').map((s) => s.id);
    const back = regionShapes('back').map((s) => s.id);
    expect(new Set(front).size).toBe(front.length);
    expect(new Set(back).size).toBe(back.length);
    expect([...new Set([...front, ...back])].sort()).toEqual([...regionIds].sort());
    expect(front).toContain('jaw');
    expect(front).toContain('chest');
    expect(back).toContain('upper-back');
    expect(back).toContain('lower-back');
  });

  it('puts the person’s left on the viewer’s right from the front, and on the viewer’s left from the back', () => {
    for (const paired of ['shoulder', 'hip', 'arm', 'hand', 'knee', 'foot']) {
      const x = (view: 'front' | 'back', side: string) => centreX(regionShapes(view).find((s) => s.id === `${paired}-${side}`)!.d);
      expect(x('front', 'left'), paired).toBeGreaterThan(x('front', 'right'));
      expect(x('back', 'left'), paired).toBeLessThan(x('back', 'right'));
    }
  });
});
