/**
 * The words of the 404 page: the server renders it for any unknown address, the instructor pages for an unknown
 * route of theirs. One source: the common catalogues spread these in, and the server imports them from here.
 */
export const notFoundStringsEn = {
  'notFound.heading': 'Page not found',
  'notFound.text': 'There is no page at this address. It may have been mistyped, or the link is out of date.',
  'notFound.home': 'Go to the start page',
} as const;

export const notFoundStringsCs: Record<keyof typeof notFoundStringsEn, string> = {
  'notFound.heading': 'Stránka nenalezena',
  'notFound.text': 'Na této adrese žádná stránka není. Možná je v ní překlep, nebo je odkaz zastaralý.',
  'notFound.home': 'Přejít na úvodní stránku',
};
