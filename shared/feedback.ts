/**
 * The feedback form's vocabulary, without zod, so the phone can import it: the answers to "how does the body
 * feel now, compared with the start?" (stored and exported, so never rename one) and the comment's length limit.
 */
export const feelings = ['better', 'same', 'worse'] as const;
export type Feeling = (typeof feelings)[number];

/** The longest comment a participant may leave, in characters. */
export const COMMENT_MAX_LENGTH = 500;
