import { describe, expect, it } from 'vitest';
import { feedbackClosesAt, isFeedbackOpen } from './feedback-rules.js';

describe('the feedback window', () => {
  const closesAt = feedbackClosesAt(1_000, 30 * 60_000);

  it('opens when the class ends and closes the window after', () => {
    expect(closesAt).toBe(1_000 + 30 * 60_000);
    expect(isFeedbackOpen({ status: 'ended', feedbackClosesAt: closesAt }, 1_000)).toBe(true);
    expect(isFeedbackOpen({ status: 'ended', feedbackClosesAt: closesAt }, closesAt - 1)).toBe(true);
    expect(isFeedbackOpen({ status: 'ended', feedbackClosesAt: closesAt }, closesAt)).toBe(false);
  });

  it.each(['lobby', 'running', 'paused'] as const)('is closed while the class is %s', (status) => {
    expect(isFeedbackOpen({ status, feedbackClosesAt: null }, 0)).toBe(false);
  });
});
