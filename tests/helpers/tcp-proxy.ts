/**
 * A load balancer's (or a network's) stand-in for tests: forwards every TCP connection to the backend it points
 * at. When a backend dies its connections close here too, and clients that reconnect reach whatever `pointAt`
 * chose meanwhile. `cut()` is a lost network: open connections drop and new ones are refused until `restore()`.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/** A backend as a port or as its http://host:port URL. */
export type Backend = number | string;

export interface TcpProxy {
  /** http://127.0.0.1:PORT of the proxy itself. */
  url: string;
  /** New connections go to this backend from now on; open ones stay where they are. */
  pointAt(backend: Backend): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(backend: Backend): Promise<TcpProxy> {
  let target = portOf(backend);
  let isCut = false;
  const open = new Set<Socket>();
  const dropAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    const upstream = connect(target, '127.0.0.1');
    const pair = [client, upstream];
    const end = () => {
      for (const socket of pair) {
        socket.destroy();
        open.delete(socket);
      }
    };
    for (const socket of pair) {
      open.add(socket);
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    pointAt(next) {
      target = portOf(next);
    },
    cut() {
      isCut = true;
      dropAll();
    },
    restore() {
      isCut = false;
    },
    async close() {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function portOf(backend: Backend): number {
  return typeof backend === 'number' ? backend : Number(new URL(backend).port);
}
