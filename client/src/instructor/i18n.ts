import { translator } from '../lib/i18n/locale.svelte';
import { phoneCatalogues } from '../participant/i18n';
import { cs } from './messages.cs';
import { en } from './messages.en';

/** The tablet's catalogues: its own strings plus the phone's (it shows "3 of 12" the same way). */
export const t = translator({
  cs: { ...phoneCatalogues.cs, ...cs },
  en: { ...phoneCatalogues.en, ...en },
});
