/**
 * Socket.IO: the handshake decides who a socket is (a participant by join code + token, an instructor by the
 * session cookie), puts it in its class's rooms and sends the full current state on every (re)connect.
 */
import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { AppError } from '../../shared/errors.js';
import { normalizeJoinCode } from '../../shared/join-code.js';
import type { z } from 'zod';
import { clientEventSchemas, handshakeSchema, type ClientEvent } from '../../shared/protocol.js';
import { readSessionCookie } from '../http/session-cookie.js';
import type { RateLimits } from '../rate-limits.js';
import { hashSecret, type AuthService } from '../services/auth-service.js';
import type { ClassService } from '../services/class-service.js';
import type { LiveView } from '../services/live-view.js';
import { formatIssues, handle } from './handle.js';
import { assertSameOrigin, clientAddress, type TrustProxy } from './handshake-guard.js';
import { instructorRoom, participantRoom } from './rooms.js';
import { joinSessionRooms } from './session-rooms.js';
import type { AttuneServer, AttuneSocket, SocketData } from './types.js';

/** Messages are small JSON; anything larger is refused by Socket.IO before it reaches a handler. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * The Socket.IO server on the HTTP server. `redis` shares the rooms with the other processes through the Redis
 * streams adapter (it keeps connection state recovery possible, unlike the pub/sub one): a broadcast or a
 * presence count here reaches sockets there. Without it the rooms are this process's own.
 */
export function createSocketIo(httpServer: HttpServer, redis?: Redis): AttuneServer {
  return new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    transports: ['websocket', 'polling'],
    adapter: redis ? createAdapter(redis) : undefined,
  });
}

export interface SocketHandlerDeps {
  classes: ClassService;
  live: LiveView;
  auth: AuthService;
  limits: RateLimits;
  logger: Logger;
  /** The one clock. */
  now: () => number;
  /** Which proxies' X-Forwarded-For to believe for a phone's address (the join limit per address). */
  trustProxy?: TrustProxy;
}

/**
 * Handshake, connection setup and one handler per client event, each through handle(): validate, call a
 * service, answer. Payloads come finished from the services.
 */
export function attachSocketHandlers(io: AttuneServer, deps: SocketHandlerDeps) {
  const { classes, live } = deps;
  // A random key per Engine.IO connection for its rate limit (its own id is a session secret, kept private).
  const connectionKeys = new WeakMap<object, string>();
  const connectionKey = (socket: AttuneSocket) => {
    let key = connectionKeys.get(socket.conn);
    if (!key) connectionKeys.set(socket.conn, (key = randomUUID()));
    return key;
  };
  // Work started for a client (handshakes, connection setup, messages): a graceful shutdown lets it finish
  // before storage closes (`drain()`), so nothing that was begun fails half-way.
  const running = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    running.add(work);
    const done = () => void running.delete(work);
    work.then(done, done);
    return work;
  };

  {
    io.use((socket, next) => {
      track(authenticate(socket, classes, deps.auth, deps.limits, connectionKey(socket), deps.now(), deps.trustProxy ?? (() => false))).then(
        (data) => {
          socket.data = data;
          next();
        },
        (error: unknown) => {
          const apiError = error instanceof AppError ? error.toJSON() : undefined;
          if (!apiError) deps.logger.error({ err: error }, 'handshake failed');
          const failure = new Error(apiError?.message ?? 'Server error') as Error & { data?: unknown };
          failure.data = apiError ?? { code: 'server/internal', message: 'Something went wrong on the server.' };
          next(failure);
        },
      );
    });

    io.on('connection', (socket) => {
      const setup = track(onConnection(socket));
      // A message that arrives while the connection is set up (storage answers asynchronously, PostgreSQL over
      // the network) waits for its listeners instead of finding none and never being acknowledged.
      socket.use((_packet, next) => void setup.then(() => next(), () => undefined));
      void setup.catch((err: unknown) => {
        deps.logger.error({ err }, 'connection setup failed');
        socket.disconnect(true);
      });
    });
  }

  async function onConnection(socket: AttuneSocket) {
    const data = socket.data;
    // At once (before any await), so a sign-out from now on finds this socket in its session's room.
    if (data.role === 'instructor') {
      joinSessionRooms(socket, hashSecret(readSessionCookie(socket.handshake.headers.cookie) ?? ''), data.instructorId);
    }
    if (data.role === 'participant') {
      const { classId, participantId } = data;
      // In the room first: a change stored meanwhile arrives after the snapshot or is in it (clients keep the newest revision).
      socket.join(participantRoom(classId));
      const state = await live.participantSnapshot(classId);
      if (!state) throw new Error('class vanished after handshake');
      socket.emit('class:state', state);
      on(socket, 'flag:submit', (flag) => classes.submitFlag(classId, participantId, flag));
      on(socket, 'flag:detail', (detail) => classes.detailFlag(classId, participantId, detail));
      on(socket, 'flag:undo', ({ flagId }) => classes.undoFlag(classId, participantId, flagId));
      on(socket, 'alert:raise', ({ alertId }) => classes.raiseAlert(classId, participantId, alertId));
      on(socket, 'feedback:submit', (feedback) => classes.submitFeedback(classId, participantId, feedback));
      socket.on('disconnect', () => live.presenceChanged(classId));
      live.presenceChanged(classId);
    } else {
      const { classId, instructorId } = data;
      socket.join(instructorRoom(classId));
      const snapshot = await live.instructorSnapshot(classId);
      if (!snapshot) throw new Error('class vanished after handshake');
      socket.emit('class:instructor-state', snapshot.state);
      if (snapshot.tally) socket.emit('tally:updated', snapshot.tally);
      socket.emit('alerts:updated', snapshot.alerts);
      // In the room already: the count this asks for reaches this tablet too.
      live.presenceChanged(classId);
      on(socket, 'class:command', (command) => classes.command(classId, command, { kind: 'instructor', instructorId }));
      on(socket, 'cue:add', (added) => classes.addCue(classId, added, { kind: 'instructor', instructorId }));
      on(socket, 'alert:acknowledge', ({ alertId }) => classes.acknowledgeAlert(classId, alertId));
      on(socket, 'alert:acknowledge-all', () => classes.acknowledgeAllAlerts(classId));
    }
    // Participants may not send instructor events and vice versa: those get a clear refusal, as do unknown events.
    socket.onAny((event: string, ...args: unknown[]) => {
      const ack = args[args.length - 1];
      if (socket.listeners(event as never).length > 0 || typeof ack !== 'function') return;
      const isKnown = event in clientEventSchemas;
      (ack as (r: unknown) => void)({
        ok: false,
        error: isKnown
          ? { code: 'auth/forbidden', message: `Your role may not send ${event}.` }
          : { code: 'input/invalid', message: `Unknown event ${event}.` },
      });
    });
  }

  /** Registers one event's handler through handle(), with the event's shared schema. */
  function on<E extends ClientEvent>(
    socket: AttuneSocket,
    event: E,
    fn: (payload: z.infer<(typeof clientEventSchemas)[E]>) => Promise<unknown>,
  ): void {
    // A participant's messages count against their rate limit once valid (refusing an invalid one costs nothing).
    const { data } = socket;
    const limited = async (payload: unknown) => {
      if (data.role === 'participant') await deps.limits.consume('participantMessages', data.participantId);
      return (fn as (payload: unknown) => Promise<unknown>)(payload);
    };
    const tracked = (payload: unknown) => track(limited(payload));
    // The map pairs each event with its schema, so the payload handle() parses is the one fn expects.
    const handler = handle(event, clientEventSchemas[event], deps.logger, tracked);
    socket.on(event as never, handler as never);
  }

  /** Resolves once every handshake and message already begun has finished (new ones keep it waiting). */
  async function drain(): Promise<void> {
    while (running.size > 0) await Promise.allSettled([...running]);
  }

  return { drain };
}

async function authenticate(
  socket: AttuneSocket,
  classes: ClassService,
  auth: AuthService,
  limits: RateLimits,
  connectionKey: string,
  now: number,
  trustProxy: TrustProxy,
): Promise<SocketData> {
  // A browser's handshake must come from this server's pages, as the HTTP routes require (CSRF).
  assertSameOrigin(socket.request);
  // Per connection: Socket.IO takes any number of handshakes over one WebSocket, each a possible new participant.
  await limits.consume('joinPerConnection', connectionKey);
  const parsed = handshakeSchema.safeParse(socket.handshake.auth);
  if (!parsed.success) throw new AppError('input/invalid', 'Invalid handshake.', formatIssues(parsed.error));
  const handshake = parsed.data;
  if (handshake.role === 'participant') {
    const code = normalizeJoinCode(handshake.code);
    // Guessing codes: per address and overall, counted before the code is looked up (or even well-formed).
    await limits.joinAttempt(clientAddress(socket.request, trustProxy));
    if (!code) throw new AppError('class/not_found', 'No class has this code.');
    await limits.consume('joinPerCode', code);
    const { classId, participantId } = await classes.joinClass(code, handshake.token);
    return { role: 'participant', classId, participantId };
  }
  const instructor = await auth.instructorForSession(readSessionCookie(socket.handshake.headers.cookie), now);
  if (!instructor) throw new AppError('auth/required', 'Sign in first.');
  const record = await classes.ownClass(handshake.classId, instructor.id);
  return { role: 'instructor', classId: record.id, instructorId: instructor.id };
}
