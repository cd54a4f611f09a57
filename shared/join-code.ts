/**
 * Join codes: six characters a person can read aloud and type on a phone without confusing look-alikes
 * (no 0/O, 1/I/L). 31 characters ^ 6 ≈ 887 million codes, so collisions among open classes are rare and
 * are retried by the caller.
 */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;

/** Makes a code from a source of random bytes (crypto.getRandomValues on both sides). */
export function makeJoinCode(randomBytes: (n: number) => Uint8Array): string {
  let code = '';
  while (code.length < JOIN_CODE_LENGTH) {
    for (const byte of randomBytes(JOIN_CODE_LENGTH)) {
      // 248 = 8 × 31: rejecting the rest keeps every character equally likely.
      if (byte < 248 && code.length < JOIN_CODE_LENGTH) code += JOIN_CODE_ALPHABET[byte % JOIN_CODE_ALPHABET.length];
    }
  }
  return code;
}

/** Upper-cases and strips spaces and dashes people type; returns null when it cannot be a code. */
export function normalizeJoinCode(input: string): string | null {
  const code = input.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== JOIN_CODE_LENGTH) return null;
  for (const ch of code) if (!JOIN_CODE_ALPHABET.includes(ch)) return null;
  return code;
}
