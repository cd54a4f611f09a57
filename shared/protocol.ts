/**
 * The wire contract between the server and both clients. The server validates every client message with the
 * schema in `clientEventSchemas`; clients import only types from here (the phone ships no zod).
 * docs/protocol.md lists the same events for people.
 */
import { z } from 'zod';
import type { ApiError } from './errors.js';
import { classCommandSchema, type InstructorClassState, type PublicClassState } from './schemas/class.js';
import { flagSubmitSchema, type CueTally } from './schemas/flag.js';

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
    code: z.string().min(1).max(16),
    token: z.uuid(),
  }),
  z.object({
    role: z.literal('instructor'),
    classId: z.string().min(1).max(64),
  }),
]);
export type Handshake = z.infer<typeof handshakeSchema>;

/** The schema of every client → server event; the type below keeps this map complete. */
export const clientEventSchemas = {
  'class:command': classCommandSchema,
  'flag:submit': flagSubmitSchema,
} as const;

type Payload<E extends keyof typeof clientEventSchemas> = z.infer<(typeof clientEventSchemas)[E]>;

/** Client → server. Every event carries an acknowledgement callback. */
export interface ClientToServerEvents {
  /** Instructor only: start, next, previous, jump, pause, resume, end. Answers the new state. */
  'class:command': (payload: Payload<'class:command'>, ack: (result: Ack<InstructorClassState>) => void) => void;
  /** Participant only: one Tension or Relief flag. `duplicate` is true when the flag was already stored. */
  'flag:submit': (payload: Payload<'flag:submit'>, ack: (result: Ack<{ duplicate: boolean }>) => void) => void;
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
  /** To the instructor: the counts of every cue that has flags (coalesced, always exact when sent). */
  'tally:updated': (tallies: CueTally[]) => void;
  /** To the instructor: participants connected and joined. */
  'presence:updated': (presence: Presence) => void;
}
