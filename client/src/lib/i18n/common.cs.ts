import type { en } from './common.en.js';

/** Strings both pages show, Czech. */
export const cs: Record<keyof typeof en, string> = {
  'app.name': 'Attune',
  'language.switch': 'English',
};
