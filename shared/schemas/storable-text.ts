import { z } from 'zod';

/**
 * Characters no text field may carry: NUL (PostgreSQL's text type refuses it, SQLite would cut C strings at
 * it) and UTF-16 surrogates that are not part of a pair (no UTF-8 encoding exists for them, so PostgreSQL
 * refuses them too). A string with one would be stored by one engine and refused by the other with a server
 * error; the schemas refuse it up front, with a message that says why.
 */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The message a refused string gets, after the field's path ("title: must not contain …"). */
export const UNSTORABLE_MESSAGE = 'must not contain NUL characters or unpaired surrogates';

/** True when every character of `value` can be stored (see UNSTORABLE). */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/**
 * Adds the refusal to a string schema; every free-text field of the wire contract goes through it:
 * `storable(z.string().trim().max(280))`.
 */
export function storable<T extends z.ZodString>(schema: T): T {
  return schema.refine(isStorableText, UNSTORABLE_MESSAGE) as T;
}
