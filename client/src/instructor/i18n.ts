import { translator } from '../lib/i18n/locale.svelte';
import { phoneCatalogues } from '../participant/i18n';
import { cs as clinicCs } from './clinic/messages.cs';
import { en as clinicEn } from './clinic/messages.en';
import { cs } from './messages.cs';
import { en } from './messages.en';

/** The tablet's catalogues: its own strings plus the phone's (it shows "3 of 12" the same way). */
export const t = translator({
  cs: { ...phoneCatalogues.cs, ...cs, ...clinicCs },
  en: { ...phoneCatalogues.en, ...en, ...clinicEn },
});
