import {
  type ColumnRef,
  column,
  type Infer,
  model,
  projection,
  relation,
} from '../../packages/loom/test/support/internals.ts';

/**
 * The models of the benchmark over the tables `seed.ts` creates (loom maps the camelCase fields to the
 * snake_case columns). The app never creates or drops them.
 */

/** Record owners: `bench_users (id, full_name, email)`, no timestamps. */
export const BenchUser = model('bench_users', {
  id: column.int().primaryKey().autoIncrement(),
  fullName: column.string(120),
  email: column.string(255).unique(),
});

/** Notes of a record: `bench_notes (id, record_id, body)`. */
export const BenchNote = model('bench_notes', {
  id: column.int().primaryKey().autoIncrement(),
  recordId: column.int().references((): ColumnRef => BenchRecord.id, { onDelete: 'cascade' }),
  body: column.text(),
});

/**
 * `bench_records`, timestamped, with three profiles:
 * - `default`: the columns (what auto-CRUD writes return: one `UPDATE … RETURNING`, nothing more);
 * - `summary`: the columns and `hasNotes` (list items, and get-by-id without `?profile=`);
 * - `withDetails`: the owner, the notes and `hasNotes`, `notesCount`, `noteSnippets`, all computed from
 *   the loaded notes.
 */
export const BenchRecord = model(
  'bench_records',
  {
    id: column.int().primaryKey().autoIncrement(),
    ownerId: column.int().references(() => BenchUser.id),
    requestId: column.string(64),
    fullName: column.string(120),
    email: column.string(255),
  },
  {
    timestamps: true,
    relations: {
      owner: relation.manyToOne(() => BenchUser, { by: 'ownerId', profiles: ['withDetails'] }),
      notes: relation.oneToMany(() => BenchNote, { by: 'recordId', profiles: ['withDetails'] }),
    },
    projections: {
      hasNotes: projection.exists('notes', { profiles: ['summary', 'withDetails'] }),
      notesCount: projection.count('notes', { profiles: ['withDetails'] }),
      noteSnippets: projection.fields('notes', ['id', 'body'], { profiles: ['withDetails'] }),
    },
  },
);
export type BenchRecord = Infer<typeof BenchRecord>;

export const BENCH_MODELS = [BenchUser, BenchRecord, BenchNote] as const;
