/**
 * Every error a person reads, in their language. The server answers a code (shared/errors.ts) with an English
 * message for logs and scripts; the pages show `describeError(e)` instead, worded here from the `errors`
 * catalogues by code. Validation issues keep their field path as written in the JSON (`cues[3].text`) and have
 * their problem worded; a request that never reached the server is a connection error.
 */
import type { ErrorCode } from '../../../../shared/errors';
import { ApiRequestError } from '../api';
import { cs } from './errors.cs';
import { en } from './errors.en';
import { translator } from './locale.svelte';

export const errorCatalogues = { cs, en };
type ErrorKey = keyof typeof en;
const tError = translator(errorCatalogues);

/** Where the error happened, when the same code means something more precise there. */
export type ErrorContext = 'import';

/** The sentence to show for a failed request (or anything else thrown). */
export function describeError(error: unknown, context?: ErrorContext): string {
  if (!(error instanceof ApiRequestError)) return tError('error.network');
  if (error.status === 0) return tError('error.network');
  const { code, issues = [] } = error.error;
  if (context === 'import' && code === 'input/invalid') return tError(issues.length ? 'error.importInvalid' : 'error.importNotJson');
  if (code === 'auth/invalid_credentials' && issues.some((i) => i.startsWith('currentPassword:'))) return tError('error.currentPasswordWrong');
  if (code === 'input/invalid' && issues.some((i) => i.startsWith('newPassword:'))) return tError('error.passwordSame');
  if (code === 'input/invalid' && issues.some((i) => i.startsWith('email:') && i.includes('has an account'))) return tError('error.emailTaken');
  const key = `error.${code}` as ErrorKey;
  return key in en ? tError(key) : tError('error.server/internal');
}

/** The sentence for a refusal the page knows of before asking the server (a code of shared/errors.ts). */
export function describeCode(code: ErrorCode): string {
  return tError(`error.${code}`);
}

/** The request's field problems, each `path: problem` with the problem in the page's language. */
export function describeIssues(error: unknown): string[] {
  if (!(error instanceof ApiRequestError)) return [];
  return (error.error.issues ?? []).map(describeIssue);
}

/** The server's English problem texts (shared/schemas/sequence.ts) and how each is worded here. */
const issuePatterns: [RegExp, (m: RegExpMatchArray) => string][] = [
  [/^is required$/, () => tError('issue.required')],
  [/^must be text$/, () => tError('issue.text')],
  [/^must be (\d+)-(\d+) characters$/, (m) => tError('issue.length', { min: m[1]!, max: m[2]! })],
  [/^must be at most (\d+) characters$/, (m) => tError('issue.atMost', { max: m[1]! })],
  [/^unknown field (.+)$/, (m) => tError('issue.unknownField', { fields: m[1]! })],
  [/^must be an object$/, () => tError('issue.object')],
  [/^must be a region id/, () => tError('issue.regionId')],
  [/^must be a list of region ids$/, () => tError('issue.regionList')],
  [/^must not name a region twice$/, () => tError('issue.regionTwice')],
  [/^must be a whole number of seconds$/, () => tError('issue.wholeSeconds')],
  [/^must be (\d+)-(\d+) seconds$/, (m) => tError('issue.secondsRange', { min: m[1]!, max: m[2]! })],
  [/^must be a list of cues$/, () => tError('issue.cueList')],
  [/^must have (\d+)-(\d+) cues$/, (m) => tError('issue.cueCount', { min: m[1]!, max: m[2]! })],
  [/^must be ("[^"]*"(?: or "[^"]*")*)$/, (m) => tError('issue.oneOf', { values: m[1]! })],
];

/** `cues[3].text: must be 1-280 characters` → the same path, the problem in the page's language. */
export function describeIssue(issue: string): string {
  const split = issue.indexOf(': ');
  if (split < 0) return issue;
  const path = issue.slice(0, split);
  const problem = issue.slice(split + 2);
  for (const [pattern, word] of issuePatterns) {
    const match = problem.match(pattern);
    if (match) return `${path}: ${word(match)}`;
  }
  return `${path}: ${tError('issue.other')}`;
}
