/**
 * The words of the page a phone gets when join attempts are paused by the limiter (`/join/CODE` answered 429).
 * `{seconds}` is the wait the Retry-After header gives.
 */
export const joinPausedStringsEn = {
  heading: 'Please wait a moment',
  text: 'There have been too many attempts to join a class in the last minute. Try again in {seconds} s.',
  action: 'Try again',
} as const;

export const joinPausedStringsCs: Record<keyof typeof joinPausedStringsEn, string> = {
  heading: 'Chvíli počkejte',
  text: 'Za poslední minutu přišlo příliš mnoho pokusů o připojení k lekci. Zkuste to znovu za {seconds} s.',
  action: 'Zkusit znovu',
};
