/**
 * Stored flags for the tally-cost figure, written through a storage instance on the server's SQLite file while
 * that server is stopped: whatever the storage keeps beside the raw flags (aggregates, indexes) is kept as a
 * server would keep it. Participants are made as phones would be (a random token's hash), 1,000 flags each.
 * History, one a millisecond, ending before the live tally's 30-s trend window: what the window holds is the
 * class's recent flag rate, not its history (a flood of recent flags is the rate limits' business, measured by
 * the ingest figure).
 */
import { createHash, randomUUID } from 'node:crypto';
import { TREND_WINDOW_MS } from '../server/domain/flag-rules.js';
import { createLogger } from '../server/logger.js';
import { openStorage } from '../server/storage/open-storage.js';

const FLAGS_PER_PARTICIPANT = 1000;
/** The caps a server applies to phones (participants per class, flags per participant and cue) do not apply to seeding history. */
const NO_CAP = Number.MAX_SAFE_INTEGER;

export async function seedFlags(dataDir: string, classId: string, cueIndex: number, count: number): Promise<void> {
  const storage = await openStorage({ dataDir, databaseUrl: undefined, logger: createLogger('silent') });
  try {
    const startedAt = Date.now();
    let participantId = '';
    for (let i = 0; i < count; i++) {
      if (i % FLAGS_PER_PARTICIPANT === 0) {
        const tokenHash = createHash('sha256').update(randomUUID()).digest('hex');
        participantId = (await storage.participants.upsert(classId, tokenHash, startedAt, NO_CAP))!.id;
      }
      const createdAt = startedAt - TREND_WINDOW_MS - count + i;
      await storage.flags.insert({ flagId: randomUUID(), classId, participantId, cueIndex, kind: i % 2 ? 'relief' : 'tension', createdAt }, NO_CAP);
    }
  } finally {
    await storage.close();
  }
}
