import { cs } from './common.cs';
import { en } from './common.en';
import { translator } from './locale.svelte';

/** Strings every page shows (the language switch, the name). */
export const commonCatalogues = { cs, en };
export const tCommon = translator(commonCatalogues);
