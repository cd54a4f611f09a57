/**
 * Debian's nginx run by a test: in the foreground, as the current user, with its own prefix folder and main
 * configuration (no system configuration, no root needed), around a site configuration given as text. `stop()`
 * ends it (a fast shutdown: open WebSockets are closed, not waited for).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';

export interface RunningNginx {
  /** What nginx wrote to stderr (its error log). */
  logs: string[];
  stop(): Promise<void>;
}

export interface NginxOptions {
  /** An empty folder for nginx's pid file, temporary files and configuration. */
  prefix: string;
  /** The site: http-context directives (upstreams, servers), as a file in sites-enabled would hold them. */
  site: string;
  /** More http-context directives from the test, before the site. */
  httpExtra?: string;
  /** Ports the site listens on: nginx counts as started once each accepts a connection. */
  ports: number[];
}

/** The nginx binary: Debian puts it in /usr/sbin, which is not on every user's PATH. */
export function findNginx(): string {
  for (const path of ['/usr/sbin/nginx', '/usr/bin/nginx']) if (existsSync(path)) return path;
  throw new Error('nginx is not installed (bash .ci/run installs it: apt-get install nginx)');
}

export async function startNginx({ prefix, site, httpExtra = '', ports }: NginxOptions): Promise<RunningNginx> {
  const nginx = findNginx();
  for (const dir of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, 'temp', dir), { recursive: true });
  writeFileSync(join(prefix, 'site.conf'), site);
  writeFileSync(
    join(prefix, 'nginx.conf'),
    [
      // As root, nginx would hand its workers to another user, who could not read this folder: keep them ours.
      process.getuid?.() === 0 ? `user ${userInfo().username};` : '',
      // One worker: round robin over the upstreams is then one sequence the test can follow.
      'worker_processes 1;',
      `pid ${join(prefix, 'nginx.pid')};`,
      'error_log stderr warn;',
      'events { worker_connections 256; }',
      'http {',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((dir) => `  ${dir}_temp_path ${join(prefix, 'temp', dir)};`),
      httpExtra,
      `  include ${join(prefix, 'site.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(nginx, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const logs: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 10_000;
  for (const port of ports) {
    while (!(await accepts(port))) {
      const problem = child.exitCode !== null || child.signalCode !== null ? 'nginx exited' : Date.now() > deadline ? 'nginx did not listen within 10 s' : '';
      if (problem) {
        await stop();
        throw new Error(`${problem}:\n${logs.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { logs, stop };
}

/** Whether 127.0.0.1:port accepts a TCP connection. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
