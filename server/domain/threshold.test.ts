import { describe, expect, it } from 'vitest';
import { applyThreshold, DEFAULT_THRESHOLD } from './threshold.js';

describe('applyThreshold', () => {
  const figures = { tension: 4 };

  it('defaults to 3', () => {
    expect(DEFAULT_THRESHOLD).toBe(3);
  });

  it.each([1, 2])('withholds figures from %i participants, below K = 3', (participants) => {
    expect(applyThreshold(participants, 3, figures)).toBeNull();
  });

  it.each([3, 4, 40])('shows figures from %i participants, at or above K = 3', (participants) => {
    expect(applyThreshold(participants, 3, figures)).toBe(figures);
  });

  it('shows zeros: nobody answered, so nobody can be singled out', () => {
    expect(applyThreshold(0, 3, figures)).toBe(figures);
  });

  it('follows the instructor’s own K', () => {
    expect(applyThreshold(4, 5, figures)).toBeNull();
    expect(applyThreshold(5, 5, figures)).toBe(figures);
    expect(applyThreshold(2, 2, figures)).toBe(figures);
    expect(applyThreshold(1, 2, figures)).toBeNull();
  });
});
