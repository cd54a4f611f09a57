/**
 * The clinic as its lead runs it: colleagues' accounts (add, deactivate and reactivate, reset a password, change
 * a role), the shared library, and every instructor's classes read through the same threshold as their own
 * pages. Whoever calls it has been checked to be the lead, except for the library, where the rules decide.
 */
import { randomInt } from 'node:crypto';
import { AppError } from '../../shared/errors.js';
import type {
  AccountView,
  ClinicClassPage,
  ClinicOverview,
  ClinicQuery,
  LibrarySequence,
  OneTimePassword,
  Role,
} from '../../shared/schemas/clinic.js';
import type { Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import type { SequenceInsights } from '../../shared/schemas/summary.js';
import { buildClinicOverview, type OverviewClass } from '../domain/clinic-overview.js';
import { canEditSequence, canRetireSequence, canUseSequence, type Viewer } from '../domain/clinic-rules.js';
import type { Feeling } from '../../shared/feedback.js';
import { isSequenceCue } from '../domain/added-cues.js';
import { buildInsights, INSIGHT_MAX_CLASSES } from '../domain/insights.js';
import { DEFAULT_THRESHOLD } from '../domain/threshold.js';
import { isFeedbackPublished, publishedFeedbackScore } from '../domain/summary.js';
import type { AccountChange, ClinicClassOverview, ClinicFilter, SequenceRecord, Storage } from '../storage/storage.js';
import type { AuthService } from './auth-service.js';
import { loadInsightClasses } from './insight-classes.js';
import type { PasswordHasher } from './passwords.js';
import { createThresholds } from './thresholds.js';
import { copyLibraryToOwn } from './sequence-service.js';

export const CLINIC_PAGE_SIZE = 20;
/** The overview reads at most this many classes: a busy clinic's year. */
const OVERVIEW_MAX_CLASSES = 5_000;
/** Letters and digits that cannot be mistaken for one another when read aloud or typed from paper. */
const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Ends every open socket of an account at once (sign-out of its tablets). */
export type EndAccountSockets = (instructorId: string) => void;

export function createClinicService(deps: {
  storage: Storage;
  auth: Pick<AuthService, 'addInstructor'>;
  /** The app's one hasher: a one-time password waits for a slot like a sign-in does. */
  hasher: Pick<PasswordHasher, 'hash'>;
  endSockets: EndAccountSockets;
  now?: () => number;
}) {
  const { storage } = deps;
  const now = deps.now ?? Date.now;
  const clinic = storage.clinic;

  function refuse(change: AccountChange): void {
    if (change === 'not_found') throw new AppError('clinic/account_not_found', 'No such account.');
    if (change === 'last_lead') throw new AppError('clinic/last_lead', 'The clinic needs at least one active lead.');
  }

  const thresholds = createThresholds(storage);
  /** The K a view of this instructor's classes goes through: theirs, exactly as on their own pages. */
  const thresholdOf = thresholds.of;

  /**
   * Per sequence of the overview, the insights of its newest classes in the view, through the K its trend page
   * uses (the strictest of those classes' instructors', the lead's and the clinic's); loaded all at once.
   */
  async function insightsPerSequence(items: ClinicClassOverview[], viewer: Viewer): Promise<Map<string, SequenceInsights>> {
    const families = new Map<string, ClinicClassOverview[]>();
    // `items` are newest first.
    for (const item of items) if (item.family) families.set(item.family.sequenceId, [...(families.get(item.family.sequenceId) ?? []), item]);
    const recent = new Map([...families].map(([id, group]) => [id, group.slice(0, INSIGHT_MAX_CLASSES).reverse()]));
    const [inputs, kOf] = await Promise.all([
      loadInsightClasses(storage, [...recent.values()].flat()),
      thresholds.lookup(items.map((o) => o.record.instructorId), viewer),
    ]);
    const loaded = new Map(inputs.map((c) => [c.classId, c]));
    const insights = new Map<string, SequenceInsights>();
    for (const [id, group] of recent) {
      const k = kOf(families.get(id)!.map((o) => o.record.instructorId));
      const newestCues = group.at(-1)!.record.cues.filter(isSequenceCue).map((c) => c.text);
      insights.set(id, buildInsights(group.map((o) => loaded.get(o.record.id)!), newestCues, k));
    }
    return insights;
  }

  function toFilter(query: ClinicQuery): ClinicFilter {
    const DAY_MS = 24 * 60 * 60_000;
    return { instructorId: query.instructorId, from: query.from, to: query.to === undefined ? undefined : query.to + DAY_MS };
  }

  async function oneTimePassword(instructorId: string, email: string, save: (hash: string) => Promise<boolean>): Promise<OneTimePassword> {
    const password = newOneTimePassword();
    if (!(await save(await deps.hasher.hash(password)))) throw new AppError('clinic/account_not_found', 'No such account.');
    return { id: instructorId, email, oneTimePassword: password };
  }

  async function libraryView(sequence: SequenceRecord, viewer: Viewer, emails: Map<string, string>): Promise<LibrarySequence> {
    const { ownerId: _owner, isLibrary: _library, sourceId: _source, retiredAt: _retired, ...plain } = sequence;
    return {
      ...plain,
      sharedBy: emails.get(sequence.ownerId) ?? '',
      canEdit: canEditSequence(sequence, viewer),
      canRetire: canRetireSequence(sequence, viewer),
    };
  }

  async function accountEmails(): Promise<Map<string, string>> {
    return new Map((await clinic.listAccounts()).map((a) => [a.id, a.email]));
  }

  return {
    thresholdOf,

    /**
     * On start: an installation from before the clinic library gets it now, from its accounts' unchanged copies
     * of the starter library (a new installation gets it at first sign-up).
     */
    async seedLibrary(starters: SequenceInput[]): Promise<void> {
      const lead = (await clinic.listAccounts()).find((a) => a.role === 'lead' && a.isActive);
      if (lead) await clinic.seedLibrary(lead.id, starters, now());
    },

    async accounts(): Promise<AccountView[]> {
      return clinic.listAccounts();
    },

    /** Adds a colleague with a one-time password made here and shown once; their K starts at the clinic's. */
    async addColleague(email: string): Promise<OneTimePassword> {
      const password = newOneTimePassword();
      const created = await deps.auth.addInstructor({ email, password }, now());
      await storage.accounts.updateSummarySettings(created.id, { summaryThreshold: await clinic.getThreshold() });
      return { ...created, oneTimePassword: password };
    },

    async setRole(instructorId: string, role: Role): Promise<void> {
      refuse(await clinic.setRole(instructorId, role));
    },

    /** Deactivating ends the account's sessions (in storage) and its open sockets (at once, on every process). */
    async setActive(instructorId: string, isActive: boolean): Promise<void> {
      refuse(await clinic.setActive(instructorId, isActive));
      if (!isActive) deps.endSockets(instructorId);
    },

    /** A new one-time password for a colleague; their sessions and sockets end. */
    async resetPassword(instructorId: string): Promise<OneTimePassword> {
      const account = (await clinic.listAccounts()).find((a) => a.id === instructorId);
      if (!account) throw new AppError('clinic/account_not_found', 'No such account.');
      const issued = await oneTimePassword(account.id, account.email, (hash) => clinic.resetPassword(account.id, hash));
      deps.endSockets(account.id);
      return issued;
    },

    /** Resets by e-mail, for the server's command line (a lead locked out of the only lead account). */
    async resetPasswordByEmail(email: string): Promise<OneTimePassword> {
      const account = (await clinic.listAccounts()).find((a) => a.email === email.trim().toLowerCase());
      if (!account) throw new AppError('clinic/account_not_found', 'No account has this e-mail.');
      return oneTimePassword(account.id, account.email, (hash) => clinic.resetPassword(account.id, hash));
    },

    async settings() {
      return { summaryThreshold: await clinic.getThreshold() };
    },

    async updateSettings(summaryThreshold: number) {
      await clinic.setThreshold(summaryThreshold);
      return { summaryThreshold };
    },

    /** Every instructor's classes that left the lobby, newest first, with each class's own threshold. */
    async classes(query: ClinicQuery): Promise<ClinicClassPage> {
      const { items, total } = await clinic.listClasses(toFilter(query), { limit: CLINIC_PAGE_SIZE, offset: (query.page - 1) * CLINIC_PAGE_SIZE });
      const ks = new Map(await Promise.all([...new Set(items.map((o) => o.record.instructorId))].map(async (id) => [id, await thresholdOf(id)] as const)));
      return {
        items: items.map(({ record, instructorEmail, participants, feedbackAnswers, feedbackRatingSum }) => ({
          classId: record.id,
          title: record.title,
          language: record.language,
          sequenceId: record.sequenceId,
          status: record.status,
          createdAt: record.createdAt,
          participants,
          instructorEmail,
          ...publishedFeedbackScore(record, now(), feedbackAnswers, feedbackRatingSum, ks.get(record.instructorId) ?? DEFAULT_THRESHOLD),
        })),
        page: query.page,
        pageSize: CLINIC_PAGE_SIZE,
        total,
      };
    },

    /** Classes and participants per week, feedback over time, and per sequence across instructors with its insights. */
    async overview(query: ClinicQuery, viewer: Viewer): Promise<ClinicOverview> {
      const [{ items }, instructors] = await Promise.all([
        clinic.listClasses(toFilter(query), { limit: OVERVIEW_MAX_CLASSES, offset: 0 }),
        clinic.listAccounts(),
      ]);
      const classes: OverviewClass[] = items.map(({ record, participants, family }) => ({
        classId: record.id,
        instructorId: record.instructorId,
        createdAt: record.createdAt,
        participants,
        family,
      }));
      // Only feedback already published in its class's summary: a poll during a window must not time an answer.
      const published = items.filter(({ record }) => isFeedbackPublished(record, now())).map(({ record }) => record.id);
      const answers = (await clinic.feedbackOfClasses(published)).map((a) => ({ ...a, feeling: a.feeling as Feeling }));
      const [threshold, insights] = await Promise.all([thresholds.across(classes.map((c) => c.instructorId), viewer), insightsPerSequence(items, viewer)]);
      const { weeks, sequences } = buildClinicOverview(classes, answers, threshold);
      return { threshold, instructors, weeks, sequences: sequences.map((line) => ({ ...line, insights: insights.get(line.sequenceId)! })) };
    },

    // The shared library: every signed-in instructor lists it and takes copies; the rules say who edits it.

    async library(viewer: Viewer): Promise<LibrarySequence[]> {
      const [sequences, emails] = await Promise.all([clinic.listLibrary(), accountEmails()]);
      return Promise.all(sequences.map((s) => libraryView(s, viewer, emails)));
    },

    /** Shares one of the viewer's own sequences: the library gets its own copy, theirs stays theirs. */
    async share(sequenceId: string, viewer: Viewer): Promise<LibrarySequence> {
      const sequence = await clinic.findSequence(sequenceId);
      if (!sequence || sequence.isLibrary || !canUseSequence(sequence, viewer)) throw new AppError('sequence/not_found', 'No such sequence.');
      const shared = await clinic.createLibrarySequence(viewer.id, sequence, sequence.id, now());
      return libraryView(shared, viewer, await accountEmails());
    },

    /** Takes a copy of a library sequence into the viewer's own sequences, to change as they like. */
    async takeCopy(sequenceId: string, viewer: Viewer): Promise<Sequence> {
      const sequence = await clinic.findSequence(sequenceId);
      if (!sequence?.isLibrary || !canUseSequence(sequence, viewer)) throw new AppError('sequence/not_found', 'No such sequence.');
      return copyLibraryToOwn(storage, viewer.id, sequence, now());
    },

    /** The lead retires a library sequence, its sharer withdraws it; its classes and trends stay. */
    async retire(sequenceId: string, viewer: Viewer): Promise<void> {
      const sequence = await clinic.findSequence(sequenceId);
      if (!sequence || !canRetireSequence(sequence, viewer) || !(await clinic.retireLibrarySequence(sequenceId, now()))) {
        throw new AppError('sequence/not_found', 'No such sequence in the library.');
      }
    },
  };
}

export type ClinicService = ReturnType<typeof createClinicService>;

/** Twelve characters from an alphabet without look-alikes: about 70 bits, typed once from the lead's screen. */
function newOneTimePassword(): string {
  return Array.from({ length: 12 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]).join('');
}
