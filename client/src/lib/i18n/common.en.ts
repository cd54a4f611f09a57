/** Strings both pages show, English: the reference catalogue (cs has the same keys; a unit test checks it). */
export const en = {
  'app.name': 'Attune',
  'language.switch': 'Čeština',
  // pages that do not exist, on the server and in the instructor area (issue 13)
  'notFound.heading': 'Page not found',
  'notFound.text': 'There is no page at this address. It may have been mistyped, or the link is out of date.',
  'notFound.home': 'Go to the start page',
} as const;
