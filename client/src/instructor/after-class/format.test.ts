import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber } from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0:00'],
    [59_400, '0:59'],
    [90_000, '1:30'],
    [3_599_000, '59:59'],
    [3_600_000, '1:00:00'],
    [3_725_000, '1:02:05'],
  ])('%i ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatNumber', () => {
  it('rounds to two decimals in the page’s language', () => {
    expect(formatNumber(2 / 3, 'en')).toBe('0.67');
    expect(formatNumber(2 / 3, 'cs')).toBe('0,67');
    expect(formatNumber(4, 'en')).toBe('4');
  });
});
