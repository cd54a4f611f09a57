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
import type { AuthService } from '../services/auth-service.js';
import { instructorState, publicState, type ClassService } from '../services/class-service.js';
import type { Storage } from '../storage/storage.js';
import { formatIssues, handle } from './handle.js';
import { accountRoom, classRoom, instructorRoom, participantRoom } from './rooms.js';
import { createSocketBroadcaster, liveTally, presenceOf } from './socket-broadcaster.js';
import type { AttuneServer, AttuneSocket, SocketData } from './types.js';

/** Messages are small JSON; anything larger is refused by Socket.IO before it reaches a handler. */
const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * `redis` shares the rooms with the other processes through the Redis streams adapter (it keeps connection state
 * recovery possible, unlike the pub/sub one): a broadcast or a presence count here reaches sockets there.
 * Without it the rooms are this process's own.
 */
export function createSocketServer(httpServer: HttpServer, deps: { storage: Storage; auth: AuthService; limits: RateLimits; logger: Logger; redis?: Redis }) {
  const io: AttuneServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    transports: ['websocket', 'polling'],
    adapter: deps.redis ? createAdapter(deps.redis) : undefined,
  });
  const broadcaster = createSocketBroadcaster(io, deps.storage, deps.logger);
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

  function bind(classes: ClassService) {
    io.use((socket, next) => {
      track(authenticate(socket, classes, deps.auth, deps.limits, connectionKey(socket))).then(
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
      const setup = track(onConnection(socket, classes));
      // A message that arrives while the connection is set up (storage answers asynchronously, PostgreSQL over
      // the network) waits for its listeners instead of finding none and never being acknowledged.
      socket.use((_packet, next) => void setup.then(() => next(), () => undefined));
      void setup.catch((err: unknown) => {
        deps.logger.error({ err }, 'connection setup failed');
        socket.disconnect(true);
      });
    });
  }

  async function onConnection(socket: AttuneSocket, classes: ClassService) {
    const data = socket.data;
    const record = await deps.storage.getClass(data.classId);
    if (!record) throw new Error('class vanished after handshake');
    socket.join(classRoom(data.classId));

    if (data.role === 'participant') {
      const { classId, participantId } = data;
      socket.join(participantRoom(classId));
      socket.emit('class:state', publicState(record, Date.now()));
      on(socket, 'flag:submit', (flag) => classes.submitFlag(classId, participantId, flag));
      on(socket, 'flag:detail', (detail) => classes.detailFlag(classId, participantId, detail));
      on(socket, 'flag:undo', ({ flagId }) => classes.undoFlag(classId, participantId, flagId));
      on(socket, 'alert:raise', ({ alertId }) => classes.raiseAlert(classId, alertId));
      on(socket, 'feedback:submit', (feedback) => classes.submitFeedback(classId, participantId, feedback));
      socket.on('disconnect', () => broadcaster.presenceChanged(classId));
      broadcaster.presenceChanged(classId);
    } else {
      const { classId, instructorId } = data;
      socket.join([instructorRoom(classId), accountRoom(instructorId)]);
      const now = Date.now();
      socket.emit('class:instructor-state', instructorState(record, now));
      const [tally, presence, alerts] = await Promise.all([
        liveTally(deps.storage, classId, now),
        presenceOf(io, deps.storage, classId),
        deps.storage.openAlerts(classId),
      ]);
      if (tally) socket.emit('tally:updated', tally);
      socket.emit('presence:updated', presence);
      socket.emit('alerts:updated', alerts);
      on(socket, 'class:command', async (command) =>
        instructorState(await classes.command(classId, command, { kind: 'instructor', instructorId }), Date.now()),
      );
      on(socket, 'alert:acknowledge', ({ alertId }) => classes.acknowledgeAlert(classId, alertId));
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

  /** Disconnects every socket of the account, on every process (the adapter carries it). */
  function endAccountSockets(instructorId: string): void {
    io.in(accountRoom(instructorId)).disconnectSockets(true);
  }

  return { io, broadcaster, bind, drain, endAccountSockets };
}

async function authenticate(
  socket: AttuneSocket,
  classes: ClassService,
  auth: AuthService,
  limits: RateLimits,
  connectionKey: string,
): Promise<SocketData> {
  // Per connection: Socket.IO takes any number of handshakes over one WebSocket, each a possible new participant.
  await limits.consume('joinPerConnection', connectionKey);
  const parsed = handshakeSchema.safeParse(socket.handshake.auth);
  if (!parsed.success) throw new AppError('input/invalid', 'Invalid handshake.', formatIssues(parsed.error));
  const handshake = parsed.data;
  if (handshake.role === 'participant') {
    const code = normalizeJoinCode(handshake.code);
    if (!code) throw new AppError('class/not_found', 'No class has this code.');
    await limits.consume('joinPerCode', code);
    const { record, participantId } = await classes.joinClass(code, handshake.token);
    return { role: 'participant', classId: record.id, participantId };
  }
  const instructor = await auth.instructorForSession(readSessionCookie(socket.handshake.headers.cookie), Date.now());
  if (!instructor) throw new AppError('auth/required', 'Sign in first.');
  const record = await classes.ownClass(handshake.classId, instructor.id);
  return { role: 'instructor', classId: record.id, instructorId: instructor.id };
}
