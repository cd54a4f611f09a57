/**
 * The seed of a randomised test (chaos, fuzz). Fixed by default, so CI runs the same inputs every time; the
 * environment asks for another: `SEED=random` draws one, `SEED=1234` repeats a run. The seed in use is printed,
 * so any failing run can be repeated.
 */
export function testSeed(name: string, fixed: number): number {
  const asked = process.env.SEED?.trim();
  const seed = !asked ? fixed : asked === 'random' ? Math.floor(Math.random() * 1_000_000) : Number(asked);
  if (!Number.isSafeInteger(seed)) throw new Error(`SEED must be a whole number or "random", not ${JSON.stringify(asked)}`);
  console.log(`${name}: seed ${seed}${asked ? ` (SEED=${asked})` : ' (fixed; SEED=random or SEED=<n> for another)'}`);
  return seed;
}
