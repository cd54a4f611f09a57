/**
 * Beyond one process (issue 8): the full class's fan-out and flag ingest with Attune on PostgreSQL, once as one
 * process and once as two processes sharing the database and Redis (the instructor on the first, the
 * participants spread evenly over both), with the bare server again beside them as this phase's yardstick. Each
 * configuration gets a throwaway PostgreSQL schema, dropped at the end.
 */
import { signUp } from '../tests/helpers/clients.js';
import { createTestSchema } from '../tests/helpers/postgres-schema.js';
import { ONE_BIG_CLASS, removeDataDir, spawnServer, type SpawnedServer } from '../tests/helpers/spawn-server.js';
import { measureFanout, type FanoutResult, type ServerName } from './fanout.js';
import { measureIngest, type IngestResult } from './ingest.js';
import type { ipcClient } from './ipc.js';
import { cpuSnapshot, memoryOf, otherCores, servicesCores } from './processes.js';
import type { Memory } from './report.js';
import { postgresFlags } from './stored-flags.js';
import { openAttuneClass, openBareClass } from './targets.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

export interface ScaleResults {
  /** Fan-out of each configuration and of the bare server, taking turns as in the single-process runs. */
  fanout: FanoutResult[];
  /** PostgreSQL's and Redis's CPU during the fan-out rounds and the ingests, in cores. */
  servicesCores: number;
  /** Other processes' CPU during the ingests, in cores (the fan-out rows carry their own). */
  ingestOtherCores: number;
  ingest: { server: ServerName; result: IngestResult }[];
  /**
   * Each Attune process: idle, with its share of the class after the fan-out, and after the ingest. `single` is
   * the one process on PostgreSQL; `first` (the instructor's) and `second` the two sharing Redis.
   */
  memory: Record<'single' | 'first' | 'second', ProcessMemory>;
}

export interface ProcessMemory {
  participants: number;
  idle: Memory;
  connected: Memory;
  afterIngest: Memory;
}

interface Context {
  participants: ReturnType<typeof ipcClient>;
  bareUrl: string;
  count: number;
  offsetMs: number;
  /** The processes whose CPU is the bench's own (the new servers are added to them here). */
  pids: number[];
  /** Registers a clean-up with the bench, so that an aborted run stops these processes and drops the schemas. */
  onCleanup: (cleanup: () => Promise<void>) => void;
  log: (message: string) => void;
}

/** A PostgreSQL schema and the Attune processes on it; `stop()` ends them and drops the schema. */
async function startOnPostgres(processes: number, redisUrl?: string) {
  const schema = await createTestSchema();
  // Started together, as the multi-process tests do: both run the migrations against the empty schema at once.
  const servers = await Promise.all(
    Array.from({ length: processes }, () => spawnServer({ entry: 'built', databaseUrl: schema.url, redisUrl, env: ONE_BIG_CLASS })),
  );
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers.forEach(removeDataDir);
    await schema.drop();
  };
  return { schema, servers, stop };
}

export async function measureScale(context: Context): Promise<ScaleResults> {
  const { participants, count, log } = context;
  log('starting Attune on PostgreSQL: one process, and two sharing Redis');
  const cleanups: (() => Promise<void>)[] = [];
  const started = await Promise.all([startOnPostgres(1), startOnPostgres(2, REDIS_URL)]);
  for (const { stop } of started) {
    cleanups.push(stop);
    context.onCleanup(stop);
  }
  try {
    const [one, two] = started;
    const [single] = one.servers as [SpawnedServer];
    const [first, second] = two.servers as [SpawnedServer, SpawnedServer];
    const pids = [...context.pids, ...[single, first, second].map((server) => server.process.pid!)];
    const idle = [single, first, second].map((server) => memoryOf(server.process.pid!));

    const [singleLead, twoLead] = await Promise.all([signUp(single.url), signUp(first.url)]);
    log(`Attune on PostgreSQL, one process, ${count} participants: connecting`);
    const onOne = await openAttuneClass(participants, { server: 'Attune, PostgreSQL', group: 'postgres', url: single.url, instructor: singleLead, count });
    log(`Attune, two processes, ${count} participants spread over both: connecting`);
    const onTwo = await openAttuneClass(participants, {
      server: 'Attune, 2 processes',
      group: 'two-processes',
      url: first.url,
      instructor: twoLead,
      count,
      processes: [
        { url: first.url, name: "on the instructor's process" },
        { url: second.url, name: 'on the other process' },
      ],
    });
    log(`bare Socket.IO, ${count} participants: connecting`);
    const bare = await openBareClass(participants, { url: context.bareUrl, group: 'bare-again', count, states: onOne.states });

    log(`${count} participants: cue changes, PostgreSQL one process, two processes and bare Socket.IO taking turns`);
    const cpuBefore = cpuSnapshot(pids);
    const measured = await measureFanout([onOne.target, onTwo.target, bare.target], participants, count, context.offsetMs);
    const cpuAfter = cpuSnapshot(pids);
    const fanout = [onOne, onTwo, bare].map(({ target, connectMs }) => ({
      server: target.server,
      participants: count,
      connectMs,
      otherCores: otherCores(cpuBefore, cpuAfter),
      ...measured.get(target.server)!,
    }));
    const connected = [single, first, second].map((server) => memoryOf(server.process.pid!));

    log('Attune on PostgreSQL, one process: flag ingest');
    const ingestOne = await measureIngest({
      url: single.url,
      storedFlags: postgresFlags(one.schema.url),
      instructor: singleLead,
      classId: onOne.classId,
      tablet: onOne.tablet,
      cueIndex: onOne.current().cueIndex,
      participants,
      group: 'postgres',
      count,
      offsetMs: context.offsetMs,
      serverPids: [single.process.pid!],
    });
    log('Attune, two processes: flag ingest');
    const ingestTwo = await measureIngest({
      // The fresh instructor connects to the other process: its counts must include the first one's flags.
      url: second.url,
      storedFlags: postgresFlags(two.schema.url),
      instructor: twoLead,
      classId: onTwo.classId,
      tablet: onTwo.tablet,
      cueIndex: onTwo.current().cueIndex,
      participants,
      group: 'two-processes',
      count,
      offsetMs: context.offsetMs,
      serverPids: [first.process.pid!, second.process.pid!],
    });
    const afterIngest = [single, first, second].map((server) => memoryOf(server.process.pid!));
    const cpuAfterIngest = cpuSnapshot(pids);
    await participants.ask('disconnect', {});
    for (const { tablet } of [onOne, onTwo, bare]) tablet.disconnect();

    // By index in [single, first, second], as read above.
    const memoryAt = (i: number, participants: number): ProcessMemory => ({ participants, idle: idle[i]!, connected: connected[i]!, afterIngest: afterIngest[i]! });
    return {
      fanout,
      servicesCores: servicesCores(cpuBefore, cpuAfterIngest),
      ingestOtherCores: otherCores(cpuAfter, cpuAfterIngest),
      ingest: [
        { server: 'Attune, PostgreSQL', result: ingestOne },
        { server: 'Attune, 2 processes', result: ingestTwo },
      ],
      memory: { single: memoryAt(0, count), first: memoryAt(1, Math.ceil(count / 2)), second: memoryAt(2, Math.floor(count / 2)) },
    };
  } finally {
    await Promise.all(cleanups.map((cleanup) => cleanup()));
  }
}
