/** The heat map's key, per language: warm is tension, cool is relief, a larger circle is more flags. */
export const heatLegend: Record<'en' | 'cs', { tension: string; relief: string; size: string }> = {
  en: { tension: 'Tension', relief: 'Relief', size: 'Larger circle = more flags' },
  cs: { tension: 'Napětí', relief: 'Uvolnění', size: 'Větší kruh = více označení' },
};
