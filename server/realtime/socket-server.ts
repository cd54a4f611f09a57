/**
 * Socket.IO: the handshake decides who a socket is (a participant by join code + token, an instructor by the
 * session cookie), puts it in its class's rooms and sends the full current state on every (re)connect.
 */
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { AppError } from '../../shared/errors.js';
import { normalizeJoinCode } from '../../shared/join-code.js';
import { clientEventSchemas, handshakeSchema } from '../../shared/protocol.js';
import { readSessionCookie } from '../http/session-cookie.js';
import type { AuthService } from '../services/auth-service.js';
import { instructorState, publicState, type ClassService } from '../services/class-service.js';
import type { Storage } from '../storage/storage.js';
import { formatIssues, handle } from './handle.js';
import { classRoom, instructorRoom, participantRoom } from './rooms.js';
import { createSocketBroadcaster, presenceOf } from './socket-broadcaster.js';
import type { AttuneServer, AttuneSocket, SocketData } from './types.js';

/** Messages are small JSON; anything larger is refused by Socket.IO before it reaches a handler. */
const MAX_MESSAGE_BYTES = 16 * 1024;

export function createSocketServer(httpServer: HttpServer, deps: { storage: Storage; auth: AuthService; logger: Logger }) {
  const io: AttuneServer = new Server(httpServer, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    transports: ['websocket', 'polling'],
  });
  const broadcaster = createSocketBroadcaster(io, deps.storage, deps.logger);

  function bind(classes: ClassService) {
    io.use((socket, next) => {
      authenticate(socket, classes, deps.auth).then(
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
      void onConnection(socket, classes).catch((err: unknown) => {
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
      socket.join(participantRoom(data.classId));
      socket.emit('class:state', publicState(record));
      socket.on(
        'flag:submit',
        handle('flag:submit', clientEventSchemas['flag:submit'], deps.logger, (flag) =>
          classes.submitFlag(data.classId, data.participantId, flag, Date.now()),
        ),
      );
      socket.on('disconnect', () => broadcaster.presenceChanged(data.classId));
      broadcaster.presenceChanged(data.classId);
    } else {
      socket.join(instructorRoom(data.classId));
      socket.emit('class:instructor-state', instructorState(record));
      socket.emit('tally:updated', await deps.storage.tallyFlags(data.classId));
      socket.emit('presence:updated', await presenceOf(io, deps.storage, data.classId));
      socket.on(
        'class:command',
        handle('class:command', clientEventSchemas['class:command'], deps.logger, async (command) =>
          instructorState(
            await classes.command(data.classId, command, { kind: 'instructor', instructorId: data.instructorId }, Date.now()),
          ),
        ),
      );
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

  return { io, broadcaster, bind };
}

async function authenticate(socket: AttuneSocket, classes: ClassService, auth: AuthService): Promise<SocketData> {
  const parsed = handshakeSchema.safeParse(socket.handshake.auth);
  if (!parsed.success) throw new AppError('input/invalid', 'Invalid handshake.', formatIssues(parsed.error));
  const handshake = parsed.data;
  if (handshake.role === 'participant') {
    const code = normalizeJoinCode(handshake.code);
    if (!code) throw new AppError('class/not_found', 'No class has this code.');
    const { record, participantId } = await classes.joinClass(code, handshake.token, Date.now());
    return { role: 'participant', classId: record.id, participantId };
  }
  const instructor = await auth.instructorForSession(readSessionCookie(socket.handshake.headers.cookie), Date.now());
  if (!instructor) throw new AppError('auth/required', 'Sign in first.');
  const record = await classes.ownClass(handshake.classId, instructor.id);
  return { role: 'instructor', classId: record.id, instructorId: instructor.id };
}
