import { describe, expect, it } from 'vitest';
import { afterClassRoute } from './routes';

describe('afterClassRoute', () => {
  it.each([
    ['/instructor/classes/abc/summary', { page: 'summary', classId: 'abc', isPrintable: false }],
    ['/instructor/classes/abc/summary/', { page: 'summary', classId: 'abc', isPrintable: false }],
    ['/instructor/classes/abc/summary/print', { page: 'summary', classId: 'abc', isPrintable: true }],
    ['/instructor/history', { page: 'history' }],
    ['/instructor/sequences/s1/trend', { page: 'trend', sequenceId: 's1' }],
  ])('reads %s', (path, route) => {
    expect(afterClassRoute(path)).toEqual(route);
  });

  it.each(['/instructor', '/instructor/classes/abc', '/instructor/sequences/s1', '/instructor/classes/abc/summary/x'])('leaves %s to the other pages', (path) => {
    expect(afterClassRoute(path)).toBeNull();
  });
});
