/**
 * TLS for a test of the real deployment: a throwaway certificate authority made with openssl, a server
 * certificate it signed for one host name, and a home folder whose NSS database (where Chromium on Linux reads
 * the certificates its user trusts, `$HOME/.pki/nssdb`) trusts that authority. A browser started with that
 * HOME checks the server's certificate as it would any other (chain, name, dates); nothing is ignored.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ThrowawayTls {
  /** The authority's common name, which the browser reports as the certificate's issuer. */
  issuer: string;
  /** The authority's certificate (PEM), for clients outside the browser. */
  caPem: string;
  /** The folder holding `fullchain.pem` and `privkey.pem`, named as Let's Encrypt names them. */
  certDir: string;
  /** A HOME for the browser: its NSS database trusts the authority. */
  home: string;
}

/** Makes the authority, the certificate for `hostname` (valid one day) and the NSS database, all under `dir`. */
export function makeThrowawayTls(dir: string, hostname: string): ThrowawayTls {
  const issuer = 'Attune throwaway test CA';
  const file = (name: string) => join(dir, name);
  const certDir = file('certs');
  mkdirSync(certDir);
  // The authority: a CA certificate, which is what a trust store anchors.
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${issuer}`,
    '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  // The server's certificate: the name in subjectAltName (browsers ignore the CN), signed by the authority.
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${hostname}`,
    '-keyout', join(certDir, 'privkey.pem'), '-out', file('server.csr')]);
  writeFileSync(file('server.ext'), `subjectAltName=DNS:${hostname}\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n`);
  run('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '1', '-extfile', file('server.ext'), '-out', join(certDir, 'fullchain.pem')]);
  // The browser's trust: the authority in a fresh NSS database, trusted to issue server certificates ("C").
  const home = file('home');
  const nssDb = join(home, '.pki', 'nssdb');
  mkdirSync(nssDb, { recursive: true });
  run('certutil', ['-d', `sql:${nssDb}`, '-N', '--empty-password']);
  run('certutil', ['-d', `sql:${nssDb}`, '-A', '-t', 'C,,', '-n', issuer, '-i', file('ca.pem')]);
  return { issuer, caPem: readFileSync(file('ca.pem'), 'utf8'), certDir, home };
}

function run(command: string, args: string[]): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: Buffer };
    if (code === 'ENOENT') throw new Error(`${command} is not installed (bash .ci/run installs it: apt-get install openssl libnss3-tools)`);
    throw new Error(`${command} ${args.join(' ')} failed:\n${stderr?.toString() ?? String(error)}`, { cause: error });
  }
}
