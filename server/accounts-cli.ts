/**
 * The server's own way into the clinic's accounts, for whoever runs the server: `list` shows every account;
 * `reset-password EMAIL` gives that account a one-time password (a lead locked out of the only lead account
 * gets back in). It reads the same configuration as the server (DATA_DIR or DATABASE_URL). Nothing of a
 * participant is reachable through it.
 *
 *   npm run accounts -- list
 *   npm run accounts -- reset-password lead@clinic.example
 */
import { parseConfig } from './config.js';
import { createAuthService } from './services/auth-service.js';
import { createPasswordHasher } from './services/passwords.js';
import { createClinicService } from './services/clinic-service.js';
import { openStorage } from './storage/open-storage.js';

const USAGE = 'Usage: npm run accounts -- list | reset-password EMAIL';

async function main(args: string[]): Promise<number> {
  const [command, email] = args;
  if (command !== 'list' && !(command === 'reset-password' && email)) {
    console.error(USAGE);
    return 2;
  }
  const config = parseConfig(process.env);
  const storage = await openStorage({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL });
  try {
    // Open sockets of the account end when their sessions are checked again; this process serves none.
    const hasher = createPasswordHasher();
    const clinic = createClinicService({ storage, auth: createAuthService({ storage, starterSequences: [], hasher }), hasher, endSockets: () => undefined });
    if (command === 'list') {
      for (const account of await clinic.accounts()) {
        const lastSignIn = account.lastSignInAt === null ? 'never signed in' : `last sign-in ${new Date(account.lastSignInAt).toISOString()}`;
        console.log(`${account.email}\t${account.role}\t${account.isActive ? 'active' : 'deactivated'}\t${lastSignIn}`);
      }
      return 0;
    }
    const issued = await clinic.resetPasswordByEmail(email!);
    console.log(`The account ${issued.email} signs in with this one-time password and then chooses its own.`);
    console.log(`One-time password: ${issued.oneTimePassword}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return 1;
  } finally {
    await storage.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
