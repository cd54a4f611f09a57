/**
 * The server's logger. Request and socket details are never logged whole: a participant's IP address and
 * user agent must not reach the logs, so nothing here serialises `req` or a handshake.
 */
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  return pino({ level, base: undefined, redact: ['req', 'headers', 'handshake', 'address', 'userAgent'] });
}
