/**
 * The one typed Socket.IO client both pages use. WebSocket only: no long-polling round trips on a phone,
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

/** Reads the server's error from a refused handshake (`connect_error`). */
export function handshakeError(error: Error): { code: string; message: string } | null {
  const data = (error as Error & { data?: { code?: string; message?: string } }).data;
  return data?.code ? { code: data.code, message: data.message ?? error.message } : null;
}
