/**
 * Error codes a client can receive, `area/reason`. The message that travels with a code is for people;
 * clients branch on the code only.
 */
export const errorCodes = [
  /** The message did not match its schema. */
  'input/invalid',
  /** The caller is not signed in or the handshake did not identify them. */
  'auth/required',
  /** The caller is known but may not do this. */
  'auth/forbidden',
  /** E-mail or password wrong. */
  'auth/invalid_credentials',
  /** Sign-up is closed because an account exists. */
  'auth/signup_closed',
  /** The account was deactivated by the clinic lead: it cannot sign in. */
  'auth/deactivated',
  /** The change would leave the clinic without an active lead. */
  'clinic/last_lead',
  /** No such account. */
  'clinic/account_not_found',
  /** No such class (or not one of yours). */
  'class/not_found',
  /** The command was made against an older revision of the class; the current state comes with it. */
  'class/stale_revision',
  /** The command is not allowed in the class's current state (e.g. Next on the last cue). */
  'class/illegal_transition',
  /** The class holds as many cues as it can (its sequence's and those added during it): no more may be added. */
  'class/cue_limit',
  /** The flag names a cue the class has not shown yet or has not got, or the class has not started or has ended. */
  'flag/invalid_cue',
  /** The flag was refused: this participant already sent the most flags a cue takes (20). */
  'flag/limit_reached',
  /** The class has as many participants as it takes; nobody new may join. */
  'class/full',
  /** This participant already has an alert the instructor has not seen yet. */
  'alert/already_open',
  /** No such sequence (or not one of yours). */
  'sequence/not_found',
  /** The sequence has as many cues as a sequence can (100): no cue can be kept in it. */
  'sequence/cue_limit',
  /** The class ran a sequence of the clinic's library, which changes only through the library's editor. */
  'sequence/library',
  /** Feedback is taken only after the class has ended, and only until its feedback window closes. */
  'feedback/closed',
  /** No such API route. */
  'api/not_found',
  /** Too many requests; try again shortly. */
  'rate/limited',
  /** Something failed on the server; it has been logged. */
  'server/internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** The error half of every acknowledgement and every HTTP error body. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** Per-field problems, `path: message`, when the input was invalid. */
  issues?: string[];
}

/** An error a service throws to be answered to the client as it is (not logged as a failure). */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toJSON(): ApiError {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }
}
