import { translator } from '../../lib/i18n/locale.svelte';
import { phoneCatalogues } from '../i18n';
import { cs } from './messages.cs';
import { en } from './messages.en';

/** My journey's translator: its own strings over the phone's (Tension, Relief, the feedback answers). */
export const journeyCatalogues = {
  cs: { ...phoneCatalogues.cs, ...cs },
  en: { ...phoneCatalogues.en, ...en },
};
export const tj = translator(journeyCatalogues);
