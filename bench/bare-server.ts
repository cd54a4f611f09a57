/**
 * The floor the fan-out budget is measured against: a bare Socket.IO 4.8.4 server with Attune's options and
 * nothing else. The bench's instructor hands it the class states Attune sent; a `class:command` then broadcasts
 * the state of the next cue to every participant at once (no validation, no storage), then acknowledges.
 * Prints `{"port":…}` on its first line, like Attune's server, and exits when the bench goes away.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { Ack, ServerToClientEvents } from '../shared/protocol.js';
import type { PublicClassState } from '../shared/schemas/class.js';

/** What the bench's instructor may send here. */
export interface BareClientEvents {
  /** The states to broadcast, by cue index (copies of what Attune sent), and where the class is now. */
  'bench:states': (setup: BareSetup, ack: (result: Ack<null>) => void) => void;
  'class:command': (command: { type: 'next' | 'previous'; revision: number }, ack: (result: Ack<{ revision: number; cueIndex: number }>) => void) => void;
}

export interface BareSetup {
  states: (PublicClassState | null)[];
  revision: number;
  cueIndex: number;
}

const PARTICIPANTS = 'participants';

const httpServer = createServer();
const io = new Server<BareClientEvents, Pick<ServerToClientEvents, 'class:state'>>(httpServer, {
  maxHttpBufferSize: 16 * 1024,
  serveClient: false,
  transports: ['websocket', 'polling'],
});

let states: BareSetup['states'] = [];
let current = { revision: 0, cueIndex: 0 };

io.on('connection', (socket) => {
  const role = (socket.handshake.auth as { role?: string }).role;
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
