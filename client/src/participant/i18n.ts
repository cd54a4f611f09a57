import { commonCatalogues } from '../lib/i18n/common';
import { translator } from '../lib/i18n/locale.svelte';
import { cs } from './messages.cs';
import { en } from './messages.en';

/** The phone's catalogues: its own strings and the common ones, nothing of the tablet's. */
export const phoneCatalogues = {
  cs: { ...commonCatalogues.cs, ...cs },
  en: { ...commonCatalogues.en, ...en },
};
export const t = translator(phoneCatalogues);
