/**
 * Replaces engine.io-client's transport table (aliased in vite.config.ts): both pages connect over WebSocket
 * only, so long-polling and WebTransport need not ship to the phone (about 3 KB gzipped of its 35 KB budget).
 */
import { WS } from '../../../node_modules/engine.io-client/build/esm/transports/websocket.js';

export const transports = { websocket: WS };
