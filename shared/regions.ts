/**
 * The body regions: one vocabulary for cue focus, flags, heat maps and exports. Ids are stable English slugs
 * (they are stored and exported, so never rename one); names live in the client's catalogues.
 */
export const regionIds = [
  'head',
  'jaw',
  'neck',
  'shoulder-left',
  'shoulder-right',
  'chest',
  'upper-back',
  'lower-back',
  'abdomen',
  'hip-left',
  'hip-right',
  'arm-left',
  'arm-right',
  'hand-left',
  'hand-right',
  'knee-left',
  'knee-right',
  'foot-left',
  'foot-right',
] as const;

export type RegionId = (typeof regionIds)[number];

export function isRegionId(value: unknown): value is RegionId {
  return typeof value === 'string' && (regionIds as readonly string[]).includes(value);
}
