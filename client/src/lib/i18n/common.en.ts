import { notFoundStringsEn } from '../../../../shared/not-found-strings.js';

/** Strings both pages show, English: the reference catalogue (cs has the same keys; a unit test checks it). */
export const en = {
  'app.name': 'Attune',
  'language.switch': 'Čeština',
  // The 404 page's words, shared with the server's own 404 page.
  ...notFoundStringsEn,
} as const;
