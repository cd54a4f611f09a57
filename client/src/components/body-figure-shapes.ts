/**
 * The drawing of the body figure: a calm standing figure, seen from the front or the back, in the
 * coordinates of the viewBox below. Each region is one closed shape; the body between regions (thighs, shins)
 * is drawn but not a region. Shapes are written as the viewer sees them: from the front the person's left side
 * is on the viewer's right, from the back on the viewer's left, so sided regions swap between the views.
 */
import type { RegionId } from '../../../shared/regions';

export type FigureView = 'front' | 'back';

/** The figure's box: x from 16, y from 0, 88 wide, 244 tall. */
export const FIGURE_VIEW_BOX = '16 0 88 244';

/** A shape on the viewer's left or right, and whose side that is in each view. */
type Sided = [viewerLeft: string, viewerRight: string];
const sided = (region: string, [left, right]: Sided): [RegionId, RegionId, string][] => [
  // From the front the viewer's left is the person's right.
  [`${region}-right` as RegionId, `${region}-left` as RegionId, left],
  [`${region}-left` as RegionId, `${region}-right` as RegionId, right],
];

const HEAD = 'M47 20a13 16 0 1 0 26 0a13 16 0 1 0-26 0';

/** Every region shape: its id seen from the front, its id seen from the back (null: not in that view). */
const REGION_SHAPES: [RegionId | null, RegionId | null, string][] = [
  ['head', null, 'M48 26A13 16 0 1 1 72 26Z'],
  ['jaw', null, 'M48 26A13 16 0 0 0 72 26Z'],
  [null, 'head', HEAD],
  ['neck', 'neck', 'M54 36h12v10H54z'],
  ...sided('shoulder', ['M43 47h-7a9 9 0 0 0-9 9v8h16z', 'M77 47h7a9 9 0 0 1 9 9v8H77z']),
  ['chest', 'upper-back', 'M50 47h20a5 5 0 0 1 5 5v30H45V52a5 5 0 0 1 5-5z'],
  ...sided('arm', ['M28 66h13l-4 32-3 30H23l1-30z', 'M92 66H79l4 32 3 30h11l-1-30z']),
  ['abdomen', 'lower-back', 'M45 84h30v30H45z'],
  ...sided('hip', ['M45 116h14v22h-9a5 5 0 0 1-5-5z', 'M61 116h14v17a5 5 0 0 1-5 5h-9z']),
  ...sided('hand', ['M22.5 139a6 9 0 1 0 12 0a6 9 0 1 0-12 0', 'M85.5 139a6 9 0 1 0 12 0a6 9 0 1 0-12 0']),
  ...sided('knee', ['M41.5 179a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0-17 0', 'M61.5 179a8.5 8.5 0 1 0 17 0a8.5 8.5 0 1 0-17 0']),
  ...sided('foot', ['M40 233a8 6 0 1 0 16 0a8 6 0 1 0-16 0', 'M64 233a8 6 0 1 0 16 0a8 6 0 1 0-16 0']),
];

/** Thighs and shins: the body between the knees and the hips, and the ankles. */
export const FIGURE_BODY = 'M45 140h14l-2 30H43zM61 140h14l2 30H63zM44 189h12l-3 37h-8zM64 189h12l-1 37h-8z';

/** Quiet lines that tell the views apart: the spine and the shoulder blades from the back. */
export const FIGURE_BACK_LINES = 'M60 49v63M49 53q3 13 9 15M71 53q-3 13-9 15';

/** One region's shape in one view. */
export interface RegionShape {
  id: RegionId;
  d: string;
}

/** The regions of one view, in the order keyboard focus moves through them (head to feet). */
export function regionShapes(view: FigureView): RegionShape[] {
  const shapes: RegionShape[] = [];
  for (const [front, back, d] of REGION_SHAPES) {
    const id = view === 'front' ? front : back;
    if (id) shapes.push({ id, d });
  }
  return shapes;
}
