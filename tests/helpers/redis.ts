/**
 * The Redis the tests share (.ci/run makes sure it answers), one logical database per Vitest worker (1-15; 0 is
 * left to whoever runs Attune by hand): files running in parallel never see each other's rate-limit counters or
 * adapter streams.
 */
export const TEST_REDIS_BASE_URL = 'redis://127.0.0.1:6379';

export function testRedisUrl(): string {
  const worker = Number(process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID ?? 0);
  return `${TEST_REDIS_BASE_URL}/${1 + (worker % 15)}`;
}
