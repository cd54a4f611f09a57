import { describe, expect, it } from 'vitest';
import { feedbackSubmitSchema } from './feedback.js';

describe('feedback:submit', () => {
  it('accepts a feeling and a rating, with or without a comment of up to 500 characters', () => {
    expect(feedbackSubmitSchema.parse({ feeling: 'better', rating: 5 })).toEqual({ feeling: 'better', rating: 5 });
    expect(feedbackSubmitSchema.parse({ feeling: 'worse', rating: 1, comment: '  Koleno bolí  ' }).comment).toBe('Koleno bolí');
    expect(feedbackSubmitSchema.safeParse({ feeling: 'same', rating: 3, comment: 'ž'.repeat(500) }).success).toBe(true);
  });

  it.each([
    ['no feeling', { rating: 3 }],
    ['an unknown feeling', { feeling: 'great', rating: 3 }],
    ['no rating', { feeling: 'same' }],
    ['rating 0', { feeling: 'same', rating: 0 }],
    ['rating 6', { feeling: 'same', rating: 6 }],
    ['a fractional rating', { feeling: 'same', rating: 4.5 }],
    ['a comment of 501 characters', { feeling: 'same', rating: 3, comment: 'x'.repeat(501) }],
    ['a comment that is not text', { feeling: 'same', rating: 3, comment: 5 }],
    ['null', null],
  ])('refuses %s', (_name, payload) => {
    expect(feedbackSubmitSchema.safeParse(payload).success).toBe(false);
  });
});
