import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssues, issuePath } from './issues.js';

describe('issue paths', () => {
  it('write fields as JSON readers do: dots for names, brackets for indices', () => {
    expect(issuePath(['cues', 3, 'text'])).toBe('cues[3].text');
    expect(issuePath(['cues', 0, 'regions', 2])).toBe('cues[0].regions[2]');
    expect(issuePath(['title'])).toBe('title');
    expect(issuePath([3])).toBe('[3]');
    expect(issuePath([])).toBe('(payload)');
  });
  it('format every issue as "path: message"', () => {
    const schema = z.object({ items: z.array(z.string().max(2, 'too long')), name: z.string('must be text') });
    const result = schema.safeParse({ items: ['ok', 'long'], name: 1 });
    expect(result.success).toBe(false);
    expect(formatIssues(result.error!)).toEqual(['items[1]: too long', 'name: must be text']);
  });
});
