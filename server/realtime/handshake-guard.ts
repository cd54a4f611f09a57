/**
 * What the Socket.IO handshake checks before it looks at who is connecting: that a browser's handshake comes
 * from this server's own pages (the HTTP routes' Origin rule), and the address a join attempt counts against.
 */
import type { IncomingMessage } from 'node:http';
import { AppError } from '../../shared/errors.js';
import { isSameOrigin } from '../http/same-origin.js';

/** Express's compiled `trust proxy` setting: whether the hop at `index` (0 = the peer) is a trusted proxy. */
export type TrustProxy = (address: string, index: number) => boolean;

/** Refuses a handshake whose Origin names another site (or another port of this host) with `auth/forbidden`. */
export function assertSameOrigin(request: IncomingMessage): void {
  if (!isSameOrigin(request.headers.origin, request.headers.host)) {
    throw new AppError('auth/forbidden', 'Connections from other sites are not allowed.');
  }
}

/**
 * The client's address as Express's `req.ip` would give it: the peer, or, through trusted proxies, the first
 * untrusted address of X-Forwarded-For from the right. Used only as a rate-limit key in memory, never kept.
 */
export function clientAddress(request: IncomingMessage, trust: TrustProxy): string {
  const peer = request.socket.remoteAddress ?? '';
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const chain = [peer, ...forwarded];
  let index = 0;
  while (index < chain.length - 1 && trust(chain[index]!, index)) index++;
  return chain[index]!;
}
