/**
 * An insight in words, the same on the trend page and beside the cue in the editor: "Raised tension in the
 * neck in 4 of the last 5 classes".
 */
import type { CueInsight } from '../../../../shared/schemas/summary';
import type { Locale } from '../../lib/i18n/locale.svelte';
import { regionNames } from '../../lib/i18n/regions';
import { t } from '../i18n';

/** The region as the line says it: "in the neck", "between the shoulder blades"; in Czech its name. */
export function insightWhere(region: NonNullable<CueInsight['region']>['region'], locale: Locale): string {
  return region === 'upper-back' ? t('insights.whereUpperBack') : t('insights.where', { region: regionNames[locale][region] });
}

/** The one-line verdict of an insight. */
export function insightLine(insight: CueInsight, locale: Locale): string {
  const counts = { n: insight.classes, of: insight.countedClasses };
  const key = insight.kind === 'tension' ? 'insights.tensionLine' : 'insights.reliefLine';
  return insight.region
    ? t(`${key}Where`, { ...counts, where: insightWhere(insight.region.region, locale) })
    : t(key, counts);
}

/** A share (0-1) as a whole percentage in the locale. */
export function percent(share: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
