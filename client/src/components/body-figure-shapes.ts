/**
 * The drawing of the body figure: a calm standing person seen from the front and from the back, side by side.
 * Each view is 150 × 382 units. The silhouette is drawn once per view; a region is a band of it (the band
 * clipped by the silhouette), so highlights follow the body's contour. Sided shapes are written for the
 * viewer's left half and mirrored: from the front the person's right is on the viewer's left, from the back
 * the person's left is.
 *
 * Every region is one control, in its main view (`primary`); the other view repeats it as a plain tap target.
 * Hit areas are rectangles of at least 46 × 46 units, which stays above 44 × 44 CSS px while a view is drawn
 * at least 144 px wide (two views side by side on a 390-px phone).
 */
import type { RegionId } from '../../../shared/regions';

export type FigureView = 'front' | 'back';

/** One view's box. */
export const VIEW_WIDTH = 150;
export const VIEW_HEIGHT = 382;
/** The space between the two views when both are shown. */
export const VIEW_GAP = 14;
/** The smallest side of a hit area, in units. */
export const MIN_HIT_UNITS = 46;

type Point = [number, number];
/** x, y, width, height. */
type Rect = [number, number, number, number];

/** The person's outline in one view (front and back share it): head, neck, torso, arms with hands, legs with feet. */
const TORSO =
  'M66 62C60 68 46 70 38 74C30 78 27 88 28 100C30 108 38 110 44 112C46 135 49 150 50 165C51 180 46 192 45 205' +
  'C44 222 52 236 75 240C98 236 106 222 105 205C104 192 99 180 100 165C101 150 104 135 106 112C112 110 120 108 122 100' +
  'C123 88 120 78 112 74C104 70 90 68 84 62Z';
const NECK = 'M67 44C67 52 66 58 64 66H86C84 58 83 52 83 44Z';
const HEAD = 'M57 30a18 23 0 1 0 36 0a18 23 0 1 0-36 0';
const ARM_LEFT = 'M31 90C24 98 21 118 21 140C20 162 18 186 17 216L30 218C31 196 34 170 36 150C38 134 42 122 44 112Z';
const HAND_LEFT = 'M17 214C12 228 12 244 16 256C19 264 27 266 30 258C33 246 32 230 30 216Z';
const LEG_LEFT =
  'M46 204C43 230 42 260 45 285C46 300 45 310 44 320C42 335 45 350 50 362L49 368C47 374 52 378 60 378L71 378' +
  'C73 374 70 368 68 364C68 345 70 330 69 318C69 305 70 295 72 282C74 265 74 250 74 238Z';

/** The silhouette's paths in view coordinates (the outline, and the clip of the bands). */
export const SILHOUETTE_PATHS = [NECK, TORSO, HEAD, ARM_LEFT, HAND_LEFT, LEG_LEFT];
/** The sided parts, drawn again mirrored for the viewer's right half. */
export const SILHOUETTE_MIRRORED = [ARM_LEFT, HAND_LEFT, LEG_LEFT];

/** Quiet lines that tell the views apart: collarbones from the front; spine and shoulder blades from the back. */
export const FRONT_LINES = 'M52 76Q62 80 72 74M98 76Q88 80 78 74';
export const BACK_LINES = 'M75 66V200M50 84Q52 108 66 116M100 84Q98 108 84 116';

/** One region's part in one view, in view coordinates. */
interface RegionPart {
  /** The band of the silhouette that shows the region (clipped by the outline). */
  band: Point[];
  /** The tap target. */
  hit: Rect;
  /** Where the heat marker sits. */
  centre: Point;
}

interface RegionDrawing {
  front?: RegionPart;
  back?: RegionPart;
  /** The view in which the region is a named control and carries its heat marker. */
  primary: FigureView;
}

const rectBand = ([x, y, w, h]: Rect): Point[] => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];
const mirrorPoints = (points: Point[]): Point[] => points.map(([x, y]) => [VIEW_WIDTH - x, y]);
const mirrorRect = ([x, y, w, h]: Rect): Rect => [VIEW_WIDTH - x - w, y, w, h];
const mirrorPart = (part: RegionPart): RegionPart => ({
  band: mirrorPoints(part.band),
  hit: mirrorRect(part.hit),
  centre: [VIEW_WIDTH - part.centre[0], part.centre[1]],
});

// The viewer's left half of each sided region; the same shape serves both views.
const SHOULDER: RegionPart = { band: [[8, 60], [64, 60], [46, 78], [44, 112], [8, 108]], hit: [0, 58, 46, 50], centre: [36, 88] };
const ARM: RegionPart = { band: [[0, 108], [44, 112], [40, 214], [0, 214]], hit: [0, 108, 46, 92], centre: [28, 160] };
const HAND: RegionPart = { band: rectBand([0, 214, 36, 60]), hit: [0, 200, 46, 72], centre: [23, 240] };
const HIP_FRONT: RegionPart = { band: rectBand([37, 204, 38, 46]), hit: [46, 202, 29, 48], centre: [58, 222] };
const HIP_BACK: RegionPart = { band: rectBand([37, 204, 38, 46]), hit: [29, 202, 46, 56], centre: [58, 222] };
const KNEE: RegionPart = { band: rectBand([36, 284, 39, 38]), hit: [16, 272, 59, 54], centre: [57, 302] };
const FOOT: RegionPart = { band: rectBand([36, 356, 39, 26]), hit: [16, 330, 59, 50], centre: [60, 368] };
const HEAD_WHOLE: RegionPart = { band: rectBand([50, 0, 50, 54]), hit: [30, 0, 90, 46], centre: [75, 28] };

/** Both views of one sided region, from the viewer's-left shapes: the person's right from the front, their left from the back. */
function sided(region: string, front: RegionPart, back: RegionPart, primary: FigureView): [RegionId, RegionDrawing][] {
  const right = `${region}-right` as RegionId;
  const left = `${region}-left` as RegionId;
  return [
    [right, { front, back: mirrorPart(back), primary }],
    [left, { front: mirrorPart(front), back, primary }],
  ];
}

/** Every region, head to feet: its parts in each view and the view where it is a control. */
export const REGION_DRAWINGS: Record<RegionId, RegionDrawing> = Object.fromEntries<RegionDrawing>([
  ['head', { front: { band: rectBand([50, 0, 50, 36]), hit: [30, 0, 90, 46], centre: [75, 22] }, back: HEAD_WHOLE, primary: 'front' }],
  ['jaw', { front: { band: rectBand([50, 36, 50, 18]), hit: [46, 46, 58, 46], centre: [75, 46] }, primary: 'front' }],
  [
    'neck',
    {
      front: { band: rectBand([60, 54, 30, 12]), hit: [62, 56, 26, 10], centre: [75, 60] },
      back: { band: rectBand([60, 54, 30, 12]), hit: [46, 46, 58, 46], centre: [75, 62] },
      primary: 'back',
    },
  ],
  ...sided('shoulder', SHOULDER, SHOULDER, 'front'),
  ['chest', { front: { band: [[64, 62], [86, 62], [104, 78], [106, 112], [108, 150], [42, 150], [44, 112], [46, 78]], hit: [46, 92, 58, 58], centre: [75, 112] }, primary: 'front' }],
  ['upper-back', { back: { band: [[64, 62], [86, 62], [104, 78], [106, 112], [108, 150], [42, 150], [44, 112], [46, 78]], hit: [46, 92, 58, 58], centre: [75, 110] }, primary: 'back' }],
  ...sided('arm', ARM, ARM, 'front'),
  ['abdomen', { front: { band: rectBand([40, 150, 70, 54]), hit: [46, 150, 58, 52], centre: [75, 176] }, primary: 'front' }],
  ['lower-back', { back: { band: rectBand([40, 150, 70, 54]), hit: [46, 150, 58, 52], centre: [75, 176] }, primary: 'back' }],
  ...sided('hip', HIP_FRONT, HIP_BACK, 'back'),
  ...sided('hand', HAND, { ...HAND, hit: [0, 200, 29, 72] }, 'front'),
  ...sided('knee', KNEE, KNEE, 'front'),
  ...sided('foot', FOOT, FOOT, 'front'),
]) as Record<RegionId, RegionDrawing>;

/** One region's shape in one view, ready to draw. */
export interface RegionShape {
  id: RegionId;
  /** The band, as a path, in view coordinates. */
  d: string;
  hit: { x: number; y: number; width: number; height: number };
  centre: { x: number; y: number };
  /** True in the region's main view: there it is the named control and carries the heat marker. */
  isPrimary: boolean;
}

const toPath = (points: Point[]) => `M${points.map(([x, y]) => `${x} ${y}`).join('L')}Z`;

/** The regions drawn in one view, head to feet (the order keyboard focus moves through them). */
export function regionShapes(view: FigureView): RegionShape[] {
  const shapes: RegionShape[] = [];
  for (const [id, drawing] of Object.entries(REGION_DRAWINGS) as [RegionId, RegionDrawing][]) {
    const part = drawing[view];
    if (!part) continue;
    const [x, y, width, height] = part.hit;
    shapes.push({ id, d: toPath(part.band), hit: { x, y, width, height }, centre: { x: part.centre[0], y: part.centre[1] }, isPrimary: drawing.primary === view });
  }
  return shapes;
}
