import { notFoundStringsCs } from '../../../../shared/not-found-strings.js';
import type { en } from './common.en.js';

/** Strings both pages show, Czech. */
export const cs: Record<keyof typeof en, string> = {
  'app.name': 'Attune',
  'language.switch': 'English',
  // The 404 page's words, shared with the server's own 404 page.
  ...notFoundStringsCs,
};
