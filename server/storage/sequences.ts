/** Cue sequences over Kysely: read and written whole, the cues as JSON. */
import type { ExpressionBuilder, Selectable } from 'kysely';
import type { Cue, Language, Sequence, SequenceInput } from '../../shared/schemas/sequence.js';
import { sequenceRow } from './accounts.js';
import type { Database } from './database.js';
import type { KyselyContext } from './kysely-context.js';
import type { SequenceStorage } from './storage.js';

export function kyselySequences({ db }: KyselyContext): SequenceStorage {
  async function get(id: string, instructorId: string): Promise<Sequence | null> {
    const row = await db
      .selectFrom('sequences')
      .selectAll()
      .where('id', '=', id)
      .where('instructor_id', '=', instructorId)
      .where('is_library', '=', 0)
      .executeTakeFirst();
    return row ? toSequence(row) : null;
  }

  return {
    async list(instructorId) {
      // One's own: the clinic library's rows (whoever put them there) are listed apart.
      const rows = await db
        .selectFrom('sequences')
        .selectAll()
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .orderBy('created_at')
        .execute();
      return rows.map(toSequence);
    },

    get,

    async create(instructorId, input, now) {
      const row = sequenceRow(instructorId, input, now);
      await db.insertInto('sequences').values(row).execute();
      return toSequence(row);
    },

    async update(id, instructorId, input, now) {
      const result = await db
        .updateTable('sequences')
        .set(sequenceEdit(input, now))
        .where('id', '=', id)
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return null;
      return get(id, instructorId);
    },

    async delete(id, instructorId) {
      const result = await db
        .deleteFrom('sequences')
        .where('id', '=', id)
        .where('instructor_id', '=', instructorId)
        .where('is_library', '=', 0)
        .executeTakeFirst();
      return Number(result.numDeletedRows) === 1;
    },
  };
}

/**
 * What an edit of a sequence (one's own or the library's) writes: the whole of it, and one more version, so a
 * class can say which version it ran.
 */
export function sequenceEdit(input: SequenceInput, now: number) {
  return (eb: ExpressionBuilder<Database, 'sequences'>) => ({
    title: input.title,
    language: input.language,
    cues_json: JSON.stringify(input.cues),
    updated_at: now,
    version: eb('version', '+', 1),
  });
}

export function toSequence(row: Pick<Selectable<Database['sequences']>, 'id' | 'title' | 'language' | 'cues_json' | 'created_at' | 'updated_at'>): Sequence {
  return {
    id: row.id,
    title: row.title,
    language: row.language as Language,
    cues: JSON.parse(row.cues_json) as Cue[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
