/**
 * How a validation problem is told to people: the field as it is written in JSON, then the problem, e.g.
 * `cues[3].text: must be 1-280 characters`. Array indices count from 0, like the file's own JSON.
 */
import type { z } from 'zod';

/** `['cues', 3, 'text']` → `cues[3].text`; the empty path (the whole value) → `(payload)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text === '' ? '(payload)' : text;
}

/** Every issue of a failed parse as `path: message`. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
}
