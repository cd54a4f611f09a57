/**
 * The wire contract between the server and both clients. The server validates every client message with the
 * schema in `clientEventSchemas`; clients import only types from here (the phone ships no zod).
 * docs/protocol.md lists the same events for people.
 */
import { z } from 'zod';
import type { ApiError } from './errors.js';
import { alertAcknowledgeAllSchema, alertAcknowledgeSchema, alertRaiseSchema, type Alert, type AlertIds } from './schemas/alert.js';
import { classCommandSchema, cueAddSchema, type InstructorClassState, type PublicClassState } from './schemas/class.js';
import { feedbackSubmitSchema } from './schemas/feedback.js';
import { storable } from './schemas/storable-text.js';
import { flagDetailSchema, flagSubmitSchema, flagUndoSchema, type LiveTally } from './schemas/flag.js';

/** Bumped on any incompatible change to the events below. */
export const PROTOCOL_VERSION = 1;

/** Every acknowledgement: the result, or an error with a code. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: ApiError };

/**
 * Who is connecting, sent in the Socket.IO handshake `auth`. A participant names the class by its join code
 * and carries the random token their phone keeps for that class; an instructor is known by the session
 * cookie and names the class by id.
 */
export const handshakeSchema = z.discriminatedUnion('role', [
  z.object({
    role: z.literal('participant'),
    code: storable(z.string().min(1).max(16)),
    token: z.uuid(),
  }),
  z.object({
    role: z.literal('instructor'),
    classId: storable(z.string().min(1).max(64)),
  }),
]);
export type Handshake = z.infer<typeof handshakeSchema>;

/** The schema of every client → server event; the type below keeps this map complete. */
export const clientEventSchemas = {
  'class:command': classCommandSchema,
  'cue:add': cueAddSchema,
  'flag:submit': flagSubmitSchema,
  'flag:detail': flagDetailSchema,
  'flag:undo': flagUndoSchema,
  'alert:raise': alertRaiseSchema,
  'alert:acknowledge': alertAcknowledgeSchema,
  'alert:acknowledge-all': alertAcknowledgeAllSchema,
  'feedback:submit': feedbackSubmitSchema,
} as const;

export type ClientEvent = keyof typeof clientEventSchemas;
type Payload<E extends ClientEvent> = z.infer<(typeof clientEventSchemas)[E]>;
type Handler<E extends ClientEvent, T> = (payload: Payload<E>, ack: (result: Ack<T>) => void) => void;

/** Client → server. Every event carries an acknowledgement callback. */
export interface ClientToServerEvents {
  /** Instructor only: start, next, previous, jump, pause, resume, end, auto-advance. Answers the new state. */
  'class:command': Handler<'class:command', InstructorClassState>;
  /**
   * Instructor only: adds a cue during a running or paused class, right after the current one, shown `now` or
   * `next`; revision-checked like a command. Answers the new state (its `cues` mark the added one `isAdded`).
   */
  'cue:add': Handler<'cue:add', InstructorClassState>;
  /** Participant only: one Tension or Relief flag. `duplicate` is true when the flag was already stored. */
  'flag:submit': Handler<'flag:submit', { duplicate: boolean }>;
  /** Participant only: where and how strong, for a flag of their own. */
  'flag:detail': Handler<'flag:detail', { isUpdated: boolean }>;
  /** Participant only: takes back a flag of their own stored within the undo window. */
  'flag:undo': Handler<'flag:undo', { isUndone: boolean }>;
  /**
   * Participant only: "Need to stop", an anonymous safety alert to the instructor. One open alert per
   * participant (another id while one is open: `alert/already_open`). A repeated id answers `duplicate: true`
   * and whether the instructor has seen it, so a reconnecting phone learns it.
   */
  'alert:raise': Handler<'alert:raise', { duplicate: boolean; isSeen?: boolean }>;
  /** Instructor only: the alert has been seen. */
  'alert:acknowledge': Handler<'alert:acknowledge', { isAcknowledged: boolean }>;
  /** Instructor only: every open alert has been seen ("Acknowledge all"); how many were marked. */
  'alert:acknowledge-all': Handler<'alert:acknowledge-all', { count: number }>;
  /**
   * Participant only: the feedback form after the class ended, while its window is open (else
   * `feedback/closed`). One answer per participant: a second send replaces the first.
   */
  'feedback:submit': Handler<'feedback:submit', Record<string, never>>;
}

/** Participants connected to a class now, and everyone who has joined it. */
export interface Presence {
  connected: number;
  joined: number;
}

/** Server → client. */
export interface ServerToClientEvents {
  /** To everyone in the class, on connect and after every change: the state a phone shows. */
  'class:state': (state: PublicClassState) => void;
  /** To the instructor, on connect and after every change: the state with the snapshot's notes. */
  'class:instructor-state': (state: InstructorClassState) => void;
  /** To the instructor: the live counts (coalesced to a few a second, always exact when sent). */
  'tally:updated': (tally: LiveTally) => void;
  /** To the instructor: participants connected and joined. */
  'presence:updated': (presence: Presence) => void;
  /** To the instructor, on connect only: the safety alerts not yet acknowledged, oldest first (the whole list). */
  'alerts:updated': (alerts: Alert[]) => void;
  /** To the instructor: alerts raised since the last message (one at once when quiet, batched under a flood). */
  'alert:raised': (alerts: Alert[]) => void;
  /** To the instructor: alerts acknowledged since the last message (by any tablet of the class). */
  'alert:resolved': (resolved: AlertIds) => void;
  /** To the class's participants: these alerts have been seen; each phone recognises its own random id. */
  'alert:seen': (seen: AlertIds) => void;
}
