/**
 * Time the bench's processes can compare: each process's `performance.timeOrigin` is the wall clock at its
 * start, so origin + monotonic `now()` is an epoch time with sub-millisecond resolution in every process.
 * `estimateOffset` checks that claim instead of trusting it.
 */

/** Epoch milliseconds, sub-millisecond resolution, comparable across this machine's processes. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * How far another process's `epochNow()` runs ahead of this one's, from the round trip with the smallest
 * delay (its midpoint is the best guess of when the other process read its clock).
 */
export async function estimateOffset(readRemote: () => Promise<number>, samples = 30): Promise<{ offsetMs: number; roundTripMs: number }> {
  let best = { offsetMs: 0, roundTripMs: Infinity };
  for (let i = 0; i < samples; i++) {
    const sentAt = epochNow();
    const remote = await readRemote();
    const receivedAt = epochNow();
    const roundTripMs = receivedAt - sentAt;
    if (roundTripMs < best.roundTripMs) best = { offsetMs: remote - (sentAt + receivedAt) / 2, roundTripMs };
  }
  return best;
}
