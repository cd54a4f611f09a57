import type { en } from './messages.en';

/** The phone's strings, Czech. */
export const cs: Record<keyof typeof en, string> = {
  'landing.heading': 'Připojit se k lekci',
  'landing.intro': 'Zadejte kód, který ukazuje tablet lektora.',
  'landing.codeLabel': 'Kód lekce',
  'landing.invalidCode': 'Kód má 6 písmen a číslic, například K7MPQ2.',
  'join.button': 'Připojit',
  'join.notFound': 'Lekce s tímto kódem neexistuje. Zkontrolujte kód na tabletu a zkuste to znovu.',
  'join.backToLanding': 'Zadat jiný kód',
  'join.privacy': 'Anonymně: bez jména a bez účtu. Telefon si pamatuje náhodný klíč, takže vás po obnovení stránky vrátí zpět.',
  'participant.lobby': 'Čekáme na začátek lekce',
  'participant.paused': 'Lekce je pozastavená',
  'participant.ended': 'Lekce skončila. Děkujeme.',
  'participant.cueRegion': 'Aktuální pokyn',
  'participant.cuePosition': '{current} z {total}',
  'participant.tension': 'Napětí',
  'participant.relief': 'Uvolnění',
  'participant.flagSent': 'Zaznamenáno',
  'participant.flagFailed': 'Neodesláno: {message}',
  'participant.offline': 'Obnovuji spojení…',
  'participant.focus': 'Pozornost: {regions}',
};
