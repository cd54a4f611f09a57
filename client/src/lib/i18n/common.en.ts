/** Strings both pages show, English: the reference catalogue (cs has the same keys; a unit test checks it). */
export const en = {
  'app.name': 'Attune',
  'language.switch': 'Čeština',
} as const;
