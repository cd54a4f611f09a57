/**
 * The K a view goes through, the one rule for every page: an instructor's classes go through that
 * instructor's own K; a view across several instructors' classes (the lead's trend, overview and its insights)
 * through the strictest of theirs, the viewer's own and, for the lead, the clinic's.
 */
import type { Viewer } from '../domain/clinic-rules.js';
import { DEFAULT_THRESHOLD } from '../domain/threshold.js';
import type { Storage } from '../storage/storage.js';

export function createThresholds(storage: Storage) {
  async function of(instructorId: string): Promise<number> {
    return (await storage.accounts.getSummarySettings(instructorId))?.summaryThreshold ?? DEFAULT_THRESHOLD;
  }

  /** Loads the K's of these instructors once; the answer gives the K of any view over some of them. */
  async function lookup(instructorIds: string[], viewer: Viewer): Promise<(ofInstructors: string[]) => number> {
    const ids = [...new Set([viewer.id, ...instructorIds])];
    const [ks, clinicK] = await Promise.all([Promise.all(ids.map(of)), viewer.role === 'lead' ? storage.clinic.getThreshold() : 0]);
    const byId = new Map(ids.map((id, i) => [id, ks[i]!]));
    return (ofInstructors) => Math.max(clinicK, byId.get(viewer.id)!, ...ofInstructors.map((id) => byId.get(id) ?? DEFAULT_THRESHOLD));
  }

  return {
    of,
    lookup,

    async across(instructorIds: string[], viewer: Viewer): Promise<number> {
      return (await lookup(instructorIds, viewer))(instructorIds);
    },
  };
}

export type Thresholds = ReturnType<typeof createThresholds>;
