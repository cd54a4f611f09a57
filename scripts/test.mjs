/**
 * `npm test`: the type checks and the build side by side (each alone keeps the 2 cores only partly busy), then
 * Vitest, then the Playwright stories (which run the compiled server). Vitest and the stories run one after the
 * other, not side by side: together they saturate the 2 cores, and tests that time a refusal or a reconnection
 * then fail for want of CPU, not for a fault (tried 2026-12-02: 197-220 s in all instead of ≈ 230, one red run).
 *
 * Every line a part prints is prefixed with its name; at the end, each part's time and result. Fails when any
 * part fails; the parts after a failed one do not run.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** @type {{ name: string, ok: boolean | null, seconds: number }[]} */
const outcomes = [];

/** Runs an npm script, its output line by line under its name; resolves to whether it passed. */
function part(name, script) {
  const started = performance.now();
  const child = spawn('npm', ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => console.log(`[${name}] ${line}`));
  }
  return new Promise((resolve) => {
    child.on('close', (code) => {
      const ok = code === 0;
      outcomes.push({ name, ok, seconds: (performance.now() - started) / 1000 });
      console.log(`[${name}] ${ok ? 'passed' : `FAILED (exit ${code})`}`);
      resolve(ok);
    });
  });
}

/** Marks the parts that did not run because one before them failed; false. */
function notRun(...names) {
  for (const name of names) if (!outcomes.some((outcome) => outcome.name === name)) outcomes.push({ name, ok: null, seconds: 0 });
  return false;
}

const started = performance.now();
const prepared = (await Promise.all([part('check', 'check'), part('build', 'build')])).every(Boolean);
const passed = prepared && (await part('vitest', 'test:vitest')) ? await part('e2e', 'test:e2e') : notRun('vitest', 'e2e');

console.log('\nnpm test:');
for (const { name, ok, seconds } of outcomes) {
  console.log(`  ${name.padEnd(7)} ${ok === null ? 'not run (a part before it failed)' : `${ok ? 'passed' : 'FAILED'} in ${seconds.toFixed(0)} s`}`);
}
console.log(`  all     ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(passed ? 0 : 1);
