import type { en } from './common.en.js';

/** Strings both pages show, Czech. */
export const cs: Record<keyof typeof en, string> = {
  'app.name': 'Attune',
  'language.switch': 'English',
  // pages that do not exist, on the server and in the instructor area (issue 13)
  'notFound.heading': 'Stránka nenalezena',
  'notFound.text': 'Na této adrese žádná stránka není. Možná je v ní překlep, nebo je odkaz zastaralý.',
  'notFound.home': 'Přejít na úvodní stránku',
};
