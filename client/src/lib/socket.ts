/**
 * The tablet's typed Socket.IO client (the phone has its own small one, `phone-socket.ts`). WebSocket only: no long-polling round trips on a phone,
 * and every reconnect re-runs the handshake, which re-joins the class and brings its full state.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Handshake, ServerToClientEvents } from '../../../shared/protocol';

export type AttuneSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectSocket(auth: Handshake): AttuneSocket {
  return io({
    auth,
    transports: ['websocket'],
    reconnectionDelay: 250,
    reconnectionDelayMax: 1000,
    randomizationFactor: 0.3,
  });
}
