import type { RegionId } from '../../../../shared/regions';

/** Region names, per language. */
export const regionNames: Record<'en' | 'cs', Record<RegionId, string>> = {
  en: {
    head: 'head',
    jaw: 'jaw',
    neck: 'neck',
    'shoulder-left': 'left shoulder',
    'shoulder-right': 'right shoulder',
    chest: 'chest',
    'upper-back': 'between the shoulder blades',
    'lower-back': 'lower back',
    abdomen: 'abdomen',
    'hip-left': 'left hip',
    'hip-right': 'right hip',
    'arm-left': 'left arm',
    'arm-right': 'right arm',
    'hand-left': 'left hand',
    'hand-right': 'right hand',
    'knee-left': 'left knee',
    'knee-right': 'right knee',
    'foot-left': 'left foot',
    'foot-right': 'right foot',
  },
  cs: {
    head: 'hlava',
    jaw: 'čelist',
    neck: 'krk',
    'shoulder-left': 'levé rameno',
    'shoulder-right': 'pravé rameno',
    chest: 'hrudník',
    'upper-back': 'mezi lopatkami',
    'lower-back': 'bedra',
    abdomen: 'břicho',
    'hip-left': 'levá kyčel',
    'hip-right': 'pravá kyčel',
    'arm-left': 'levá paže',
    'arm-right': 'pravá paže',
    'hand-left': 'levá ruka',
    'hand-right': 'pravá ruka',
    'knee-left': 'levé koleno',
    'knee-right': 'pravé koleno',
    'foot-left': 'levé chodidlo',
    'foot-right': 'pravé chodidlo',
  },
};

/** The heat map's key, per language: warm is tension, cool is relief, a larger circle is more flags. */
export const heatLegend: Record<'en' | 'cs', { tension: string; relief: string; size: string }> = {
  en: { tension: 'Tension', relief: 'Relief', size: 'Larger circle = more flags' },
  cs: { tension: 'Napětí', relief: 'Uvolnění', size: 'Větší kruh = více označení' },
};
