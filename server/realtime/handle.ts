/**
 * The one wrapper every socket handler goes through: it requires an ack, validates the payload with the
 * event's shared schema, runs the handler, and answers `{ ok: false }` with a known code on any failure.
 * Unknown errors become `server/internal` and are logged (without the payload: it may come from a phone).
 */
import type { Logger } from 'pino';
import type { z } from 'zod';
import { AppError, type ApiError } from '../../shared/errors.js';
import { formatIssues } from '../../shared/issues.js';
import type { Ack } from '../../shared/protocol.js';

// One way of naming a bad field (`cues[3].text: …`) for sockets and HTTP alike.
export { formatIssues };

export function errorAck(error: unknown, logger: Logger, event: string): { ok: false; error: ApiError } {
  if (error instanceof AppError) return { ok: false, error: error.toJSON() };
  logger.error({ err: error, event }, 'socket handler failed');
  return { ok: false, error: { code: 'server/internal', message: 'Something went wrong on the server.' } };
}

export function handle<S extends z.ZodType, T>(
  event: string,
  schema: S,
  logger: Logger,
  fn: (payload: z.infer<S>) => Promise<T>,
): (payload: unknown, ack: unknown) => void {
  return (payload, ack) => {
    // Without an ack the client cannot learn the outcome; such a message is dropped.
    if (typeof ack !== 'function') return;
    const reply = ack as (result: Ack<T>) => void;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      reply({ ok: false, error: { code: 'input/invalid', message: `Invalid ${event} message.`, issues: formatIssues(parsed.error) } });
      return;
    }
    fn(parsed.data).then(
      (data) => reply({ ok: true, data }),
      (error: unknown) => reply(errorAck(error, logger, event)),
    );
  };
}
