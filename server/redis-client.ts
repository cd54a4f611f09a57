/**
 * The one Redis client of a process (REDIS_URL): the Socket.IO adapter duplicates it for its blocking stream
 * reads and its subscriptions, and whatever else needs Redis shares it. Opened by the entry, closed by it.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Connects and resolves once Redis answers, so a wrong REDIS_URL stops the start with a clear error instead of
 * a server that retries in the background. Later drops reconnect by themselves; commands wait meanwhile (the
 * offline queue), which keeps the adapter's read loop from spinning while Redis is away.
 */
export async function openRedis(url: string, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, { lazyConnect: true });
  let firstError: Error | undefined;
  const remember = (err: Error) => (firstError ??= err);
  redis.on('error', remember);
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    const cause = firstError ?? error;
    throw new Error(`REDIS_URL: Redis did not answer (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  }
  redis.off('error', remember);
  redis.on('error', (err) => logger.warn({ err }, 'Redis connection failed; retrying'));
  return redis;
}
