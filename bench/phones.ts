/**
 * Phones in the participants' process, for the reconnection figures: each runs the participant page's own
 * socket client (client/src/lib/phone-socket.ts, over the `ws` package) with the page's default reconnection
 * delays, so that what is timed is the code phones run, not socket.io-client's (tests/helpers/headless-phone.ts
 * shortens those delays for tests, so it is not used here). Each phone remembers when it received each revision
 * of the class's state.
 */
import { randomUUID } from 'node:crypto';
import { WebSocket as NodeWebSocket } from 'ws';
import { PhoneSocket } from '../client/src/lib/phone-socket.js';
import { waitFor } from '../tests/helpers/wait-for.js';
import { epochNow } from './clock.js';
import type { Handlers } from './ipc.js';

/** Handshakes at once while the class fills, as in participants.ts. */
const CONNECT_CONCURRENCY = 50;

interface Phone {
  socket: PhoneSocket;
  /** The join code of the phone's class. */
  code: string;
  /** Every `class:state` received, in order, with `epochNow()` of its arrival. */
  states: { revision: number; cueIndex: number; at: number }[];
}

let phones: Phone[] = [];

function openPhone(url: string, code: string): Phone {
  // The page's own options: only the URL and, outside a browser, the WebSocket class.
  const socket = new PhoneSocket({ role: 'participant', code, token: randomUUID() }, { url, WebSocket: NodeWebSocket as unknown as typeof WebSocket });
  const phone: Phone = { socket, code, states: [] };
  socket.on('class:state', (state) => phone.states.push({ revision: state.revision, cueIndex: state.cueIndex, at: epochNow() }));
  socket.connect();
  return phone;
}

/** The first state of `revision` or later that the phone received, if any. */
function firstSince(phone: Phone, revision: number) {
  return phone.states.find((state) => state.revision >= revision);
}

export const phoneHandlers: Pick<Handlers, 'phonesConnect' | 'phonesGone' | 'phonesNudge' | 'phonesBack' | 'phonesClose'> = {
  async phonesConnect({ url, code, count, timeoutMs }) {
    const startedAt = epochNow();
    const opened: Phone[] = [];
    for (let first = 0; first < count; first += CONNECT_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, count - first) }, () => openPhone(url, code));
      opened.push(...batch);
      await waitFor(
        () => {
          if (!batch.every((phone) => phone.states.length > 0)) throw new Error('phones not ready');
        },
        { timeoutMs },
      ).catch(() => undefined);
    }
    phones.push(...opened);
    return { ready: opened.filter((phone) => phone.socket.connected && phone.states.length > 0).length, ms: epochNow() - startedAt };
  },

  async phonesGone({ timeoutMs }) {
    const stillConnected = () => phones.filter((phone) => phone.socket.connected).length;
    await waitFor(
      () => {
        if (stillConnected() > 0) throw new Error('phones still connected');
      },
      { timeoutMs },
    ).catch(() => undefined);
    return { stillConnected: stillConnected() };
  },

  async phonesNudge() {
    // ParticipantClass's `online`/`visibilitychange` handler, for a visible page.
    const away = phones.filter((phone) => !phone.socket.connected);
    for (const phone of away) phone.socket.connect();
    return { nudged: away.length };
  },

  async phonesBack({ expected, timeoutMs }) {
    const byCode = new Map(expected.map((entry) => [entry.code, entry]));
    const backOf = (phone: Phone) => {
      const wanted = byCode.get(phone.code);
      const state = wanted && firstSince(phone, wanted.revision);
      return state && { at: state.at, isWrongCue: state.cueIndex !== wanted.cueIndex };
    };
    await waitFor(
      () => {
        if (!phones.every(backOf)) throw new Error('phones not back yet');
      },
      { timeoutMs },
    ).catch(() => undefined);
    const back = phones.map(backOf).filter((state) => state !== undefined);
    return { receivedAt: back.map((state) => state.at), wrongCue: back.filter((state) => state.isWrongCue).length };
  },

  async phonesClose() {
    const closed = phones.length;
    for (const phone of phones) phone.socket.disconnect();
    phones = [];
    return { closed };
  },
};
