/**
 * Where Attune's memory goes with 1,000 connected participants: starts the compiled server (run `npm run build`
 * first) with `--heapsnapshot-signal=SIGUSR2`, connects 1,000 participants (socket.io-client) to one started
 * class, asks for a heap snapshot, and prints the server's RSS and the heap's self size by constructor, largest
 * first. The snapshot stays in the folder given (default: a temporary one) for Chromium's DevTools.
 *   npx tsx scripts/heap-snapshot.ts [--participants=1000] [--out=DIR]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllSockets, connect, connectInstructor, emitAck, openClass, signUp } from '../tests/helpers/clients.js';
import { ONE_BIG_CLASS, removeDataDir, spawnServer } from '../tests/helpers/spawn-server.js';

const option = (name: string, fallback: string) => process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const PARTICIPANTS = Number(option('participants', '1000'));
const OUT = option('out', mkdtempSync(join(tmpdir(), 'attune-heap-')));

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: (string[] | string)[] } };
  nodes: number[];
  strings: string[];
}

/** Self size by constructor name (objects) or node type (strings, code, arrays…), largest first. */
function summarize(path: string): { name: string; count: number; bytes: number }[] {
  const heap = JSON.parse(readFileSync(path, 'utf8')) as Snapshot;
  const fields = heap.snapshot.meta.node_fields;
  const types = heap.snapshot.meta.node_types[0] as string[];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const totals = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < heap.nodes.length; i += fields.length) {
    const type = types[heap.nodes[i + typeAt]!]!;
    const key = type === 'object' ? heap.strings[heap.nodes[i + nameAt]!]! : `(${type})`;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += heap.nodes[i + sizeAt]!;
    totals.set(key, entry);
  }
  return [...totals].map(([name, entry]) => ({ name, ...entry })).sort((a, b) => b.bytes - a.bytes);
}

const rssMb = (pid: number) => Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function main() {
  const server = await spawnServer({ entry: 'built', env: { ...ONE_BIG_CLASS, NODE_OPTIONS: '--heapsnapshot-signal=SIGUSR2', LOG_LEVEL: 'info' } });
  const pid = server.process.pid!;
  try {
    const instructor = await signUp(server.url);
    const { class: opened } = await openClass(instructor);
    const tablet = await connectInstructor(server.url, instructor, opened.classId);
    await emitAck(tablet, 'class:command', { type: 'start', revision: 0 });
    const idleMb = rssMb(pid);
    for (let first = 0; first < PARTICIPANTS; first += 50) {
      await Promise.all(Array.from({ length: Math.min(50, PARTICIPANTS - first) }, () => connect(server.url, { role: 'participant', code: opened.code, token: randomUUID() })));
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const connectedMb = rssMb(pid);
    // The server writes Heap.<date>.<pid>.<n>.heapsnapshot into its working directory (this one).
    const before = new Set(readdirSync('.'));
    process.kill(pid, 'SIGUSR2');
    let file: string | undefined;
    for (let waited = 0; !file && waited < 120_000; waited += 500) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const candidate = readdirSync('.').find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
      // Written when its size stops growing.
      if (candidate && statSync(candidate).size > 0) {
        const size = statSync(candidate).size;
        await new Promise((resolve) => setTimeout(resolve, 1000));
        if (statSync(candidate).size === size) file = candidate;
      }
    }
    if (!file) throw new Error('no heap snapshot within 2 minutes');
    const target = join(OUT, file);
    await import('node:fs').then((fs) => fs.renameSync(file!, target));
    const rows = summarize(target);
    const total = rows.reduce((sum, row) => sum + row.bytes, 0);
    console.log(`Attune, ${PARTICIPANTS} participants connected: RSS ${idleMb.toFixed(0)} MB idle → ${connectedMb.toFixed(0)} MB; heap (self sizes) ${(total / 2 ** 20).toFixed(1)} MB`);
    console.log(`snapshot: ${target}`);
    console.log('| what | count | MB | share |\n| --- | --- | --- | --- |');
    for (const row of rows.slice(0, 20)) {
      console.log(`| ${row.name.replace(/\|/g, '\\|').slice(0, 60)} | ${row.count} | ${(row.bytes / 2 ** 20).toFixed(2)} | ${((100 * row.bytes) / total).toFixed(1)} % |`);
    }
  } finally {
    closeAllSockets();
    await server.stop();
    removeDataDir(server);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
