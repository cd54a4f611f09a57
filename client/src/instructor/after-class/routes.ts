/** The after-class pages of the instructor area, by path (PRODUCT.md's contract: `/instructor/classes/ID/summary`). */
export type AfterClassRoute =
  | { page: 'summary'; classId: string; isPrintable: boolean }
  | { page: 'history' }
  | { page: 'trend'; sequenceId: string };

export function afterClassRoute(path: string): AfterClassRoute | null {
  const summary = /^\/instructor\/classes\/([^/]+)\/summary(\/print)?\/?$/.exec(path);
  if (summary) return { page: 'summary', classId: summary[1]!, isPrintable: summary[2] !== undefined };
  if (/^\/instructor\/history\/?$/.test(path)) return { page: 'history' };
  const trend = /^\/instructor\/sequences\/([^/]+)\/trend\/?$/.exec(path);
  return trend ? { page: 'trend', sequenceId: trend[1]! } : null;
}

export const summaryPath = (classId: string) => `/instructor/classes/${classId}/summary`;
export const printablePath = (classId: string) => `${summaryPath(classId)}/print`;
export const trendPath = (sequenceId: string) => `/instructor/sequences/${sequenceId}/trend`;
export const historyPath = (page = 1) => (page > 1 ? `/instructor/history?page=${page}` : '/instructor/history');
