/**
 * The Storage interface over Kysely, assembled from one file per noun. The same queries serve SQLite and
 * PostgreSQL; the engine-specific part (opening the connection, recognising its errors) lives in
 * `open-sqlite.ts` and `open-postgres.ts`.
 */
import { sql } from 'kysely';
import { kyselyAccounts } from './accounts.js';
import { kyselyAlerts } from './alerts.js';
import { kyselyArchive } from './archive.js';
import { kyselyClasses } from './classes.js';
import { kyselyFeedback } from './feedback.js';
import { kyselyFlags } from './flags.js';
import { createClinicStorage } from './kysely-clinic.js';
import { toClass, type KyselyContext } from './kysely-context.js';
import { kyselyParticipants } from './participants.js';
import { kyselySequences } from './sequences.js';
import { kyselySessions } from './sessions.js';
import type { Storage } from './storage.js';

/** See `KyselyContext` for what the engine gives. */
export function createKyselyStorage(context: KyselyContext): Storage {
  const { db } = context;
  return {
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
    accounts: kyselyAccounts(context),
    sessions: kyselySessions(context),
    sequences: kyselySequences(context),
    classes: kyselyClasses(context),
    participants: kyselyParticipants(context),
    flags: kyselyFlags(context),
    alerts: kyselyAlerts(context),
    feedback: kyselyFeedback(context),
    archive: kyselyArchive(context),
    clinic: createClinicStorage(db, toClass),
  };
}
