/**
 * The floor the fan-out budget is measured against: a bare Socket.IO 4.8.4 server with Attune's options and
 * nothing else. The bench's instructor hands it the class states Attune sent; a `class:command` then broadcasts
 * the state of the next cue to every participant at once (no validation, no storage), then acknowledges.
 * Many small classes (bench/small-classes.ts) the same way: a class whose join code (participants) or id
 * (instructor) starts with `S` is a room of its own; its instructor's `class:command` broadcasts a copy of a state
 * Attune sent to that room, and each `flag:submit` is acknowledged after a duplicate check and counted, and the
 * class's counts go to its instructor at once (no storage, no coalescing): the floor Attune is measured against.
 * A phone of a started small class gets its class's state on connect, as from Attune (the reconnection floor).
 * With `BARE_FLAGS_DIR` set (`npm run bench -- small-classes --bare-stores`), each small class's flag is also
 * inserted into a SQLite file there before its ack, as durably as Attune stores one (WAL, synchronous=NORMAL), and
 * a repeated id is known by the insert: a floor for a server that stores each flag before it acknowledges it.
 * Prints `{"port":…}` on its first line, like Attune's server, and exits when the bench goes away.
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Server } from 'socket.io';
import type { Ack, ServerToClientEvents } from '../shared/protocol.js';
import type { PublicClassState } from '../shared/schemas/class.js';
import type { CueTally, FlagSubmit, LiveTally } from '../shared/schemas/flag.js';

/** What the bench's instructor may send here. */
export interface BareClientEvents {
  /** The states to broadcast, by cue index (copies of what Attune sent), and where the class is now. */
  'bench:states': (setup: BareSetup, ack: (result: Ack<null>) => void) => void;
  'class:command': (command: { type: 'start' | 'next' | 'previous'; revision: number }, ack: (result: Ack<{ revision: number; cueIndex: number }>) => void) => void;
  'flag:submit': (flag: FlagSubmit, ack: (result: Ack<{ duplicate: boolean }>) => void) => void;
}

export interface BareSetup {
  states: (PublicClassState | null)[];
  revision: number;
  cueIndex: number;
}

const PARTICIPANTS = 'participants';

const httpServer = createServer();
const io = new Server<BareClientEvents, Pick<ServerToClientEvents, 'class:state' | 'tally:updated'>>(httpServer, {
  maxHttpBufferSize: 16 * 1024,
  serveClient: false,
  transports: ['websocket', 'polling'],
});

let states: BareSetup['states'] = [];
let current = { revision: 0, cueIndex: 0 };

/** One small class: where it is, its counts per cue. */
interface SmallClass {
  revision: number;
  cueIndex: number;
  cues: Map<number, CueTally>;
}
const smallClasses = new Map<string, SmallClass>();
const smallClass = (id: string) => {
  let found = smallClasses.get(id);
  if (!found) smallClasses.set(id, (found = { revision: 0, cueIndex: -1, cues: new Map() }));
  return found;
};
const isSmall = (id: unknown): id is string => typeof id === 'string' && id.startsWith('S');

/** Stores a flag and says whether it is new; in memory unless `BARE_FLAGS_DIR` names a folder for SQLite. */
function flagStore(): (classId: string, flag: FlagSubmit) => boolean {
  const dir = process.env.BARE_FLAGS_DIR;
  if (!dir) {
    const seen = new Set<string>();
    return (_classId, flag) => {
      if (seen.has(flag.flagId)) return false;
      seen.add(flag.flagId);
      return true;
    };
  }
  const db = new BetterSqlite3(join(dir, 'bare-flags.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table if not exists flags (id text primary key, class_id text not null, cue_index integer not null, kind text not null, created_at integer not null)');
  const insert = db.prepare('insert or ignore into flags (id, class_id, cue_index, kind, created_at) values (?, ?, ?, ?, ?)');
  return (classId, flag) => insert.run(flag.flagId, classId, flag.cueIndex, flag.kind, Date.now()).changes === 1;
}
const storeFlag = flagStore();

io.on('connection', (socket) => {
  const { role, code, classId } = socket.handshake.auth as { role?: string; code?: unknown; classId?: unknown };
  if (role === 'participant' && isSmall(code)) {
    void socket.join(`class:${code}`);
    // What Attune sends a phone on (re)connect: its class's state, once the class has started.
    const entry = smallClass(code);
    const state = states[entry.cueIndex];
    if (state) socket.emit('class:state', { ...state, code, revision: entry.revision });
    socket.on('flag:submit', (flag, ack) => {
      const entry = smallClass(code);
      if (!storeFlag(code, flag)) return ack({ ok: true, data: { duplicate: true } });
      let cue = entry.cues.get(flag.cueIndex);
      if (!cue) entry.cues.set(flag.cueIndex, (cue = { cueIndex: flag.cueIndex, tension: 0, relief: 0, participants: 0 }));
      cue[flag.kind]++;
      ack({ ok: true, data: { duplicate: false } });
      const tally: LiveTally = { cues: [...entry.cues.values()], cueIndex: entry.cueIndex, regions: {}, recent: [], serverNow: Date.now() };
      io.to(`tablet:${code}`).emit('tally:updated', tally);
    });
    return;
  }
  if (role === 'instructor' && isSmall(classId)) {
    void socket.join(`tablet:${classId}`);
    socket.on('class:command', (command, ack) => {
      const entry = smallClass(classId);
      const cueIndex = command.type === 'start' ? 0 : entry.cueIndex + (command.type === 'next' ? 1 : -1);
      const state = states[cueIndex];
      if (!state) return ack({ ok: false, error: { code: 'class/illegal_transition', message: 'No such cue.' } });
      entry.revision++;
      entry.cueIndex = cueIndex;
      io.to(`class:${classId}`).emit('class:state', { ...state, code: classId, revision: entry.revision });
      ack({ ok: true, data: { revision: entry.revision, cueIndex } });
    });
    socket.on('bench:states', (setup, ack) => {
      states = setup.states;
      ack({ ok: true, data: null });
    });
    return;
  }
  if (role === 'participant') {
    void socket.join(PARTICIPANTS);
    return;
  }
  socket.on('bench:states', (setup, ack) => {
    states = setup.states;
    current = { revision: setup.revision, cueIndex: setup.cueIndex };
    ack({ ok: true, data: null });
  });
  socket.on('class:command', (command, ack) => {
    const cueIndex = current.cueIndex + (command.type === 'next' ? 1 : -1);
    const state = states[cueIndex];
    if (!state) return ack({ ok: false, error: { code: 'class/illegal_transition', message: 'No such cue.' } });
    current = { revision: current.revision + 1, cueIndex };
    io.to(PARTICIPANTS).emit('class:state', { ...state, revision: current.revision });
    ack({ ok: true, data: current });
  });
});

httpServer.listen(0, '127.0.0.1', () => {
  const address = httpServer.address();
  console.log(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }));
});
process.on('disconnect', () => process.exit(0));
// An exit of its own on the bench's SIGTERM, so a CPU profile (BENCH_CPU_PROF) is written.
process.on('SIGTERM', () => process.exit(0));
