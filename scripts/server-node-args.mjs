/**
 * The V8 options the server runs with when a script starts it (`npm start`, and the servers the tests and the bench
 * spawn). V8 lets the young generation grow to 16 MB a half-space on a 64-bit machine; a server fanning cues out to
 * 1,000 phones grows into it and keeps ≈ 20 MB it does not need (docs/performance.md, "V8's young generation").
 * Plain JavaScript: `npm start` reads it where no dev tool is installed.
 */
export const SERVER_NODE_ARGS = Object.freeze(['--max-semi-space-size=4']);
