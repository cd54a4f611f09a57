/**
 * The phone's strings that the server-rendered join page also shows (the current cue before the script runs).
 * One source: the phone's catalogues spread these in, and the server imports them from here, so `server/`
 * never imports `client/` and both render the same words.
 */
export const joinPageStringsEn = {
  'participant.cueRegion': 'Current cue',
  'participant.cuePosition': '{current} of {total}',
} as const;

export const joinPageStringsCs: Record<keyof typeof joinPageStringsEn, string> = {
  'participant.cueRegion': 'Aktuální pokyn',
  'participant.cuePosition': '{current} z {total}',
};
