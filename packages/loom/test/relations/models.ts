import { type AnyModel, type ColumnRef, column, model, projection, relation } from '../support/internals.ts';

/**
 * A user's profile: at most one per user. Declared before the user, which declares a relation to it;
 * its key back to the user then carries its return type (two declarations that refer to each other
 * need one annotation, as in any TypeScript initializer cycle).
 */
export const BenchProfile = model('bench_profiles', {
  id: column.int().primaryKey().autoIncrement(),
  userId: column
    .int()
    .references((): ColumnRef => BenchUser.id, { onDelete: 'cascade' })
    .unique(),
  bio: column.text(),
});

/** Record owners, with their profile (one-to-one). */
export const BenchUser = model(
  'bench_users',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique(),
  },
  {
    relations: {
      profile: relation.oneToOne(() => BenchProfile, { by: 'userId', profiles: ['withProfile'] }),
    },
  },
);

/** Notes of a record; deleted with it. */
export const BenchNote = model('bench_notes', {
  id: column.int().primaryKey().autoIncrement(),
  recordId: column.int().references((): ColumnRef => BenchRecord.id, { onDelete: 'cascade' }),
  body: column.text(),
  pinned: column.boolean().default(false),
});

/**
 * A record with an owner (many-to-one), notes (one-to-many) and projections over both:
 * - `default`: columns + hasNotes;
 * - `withDetails`: owner, notes, hasNotes, notesCount, noteSnippets (all from the loaded relations);
 * - `counts`: notesCount; `ownerInfo`: projections through the many-to-one owner, which is not loaded;
 * - `stats`: custom loaders, one depending on notesCount (which `stats` does not show).
 */
export const BenchRecord = model(
  'bench_records',
  {
    id: column.int().primaryKey().autoIncrement(),
    ownerId: column
      .int()
      .references(() => BenchUser.id)
      .nullable(),
    title: column.string(120),
  },
  {
    timestamps: true,
    relations: {
      owner: relation.manyToOne(() => BenchUser, { by: 'ownerId', profiles: ['withDetails'] }),
      notes: relation.oneToMany(() => BenchNote, { by: 'recordId', profiles: ['withDetails'] }),
    },
    projections: {
      hasNotes: projection.exists('notes', { profiles: ['default', 'withDetails'] }),
      notesCount: projection.count('notes', { profiles: ['withDetails', 'counts'] }),
      noteSnippets: projection.fields('notes', ['id', 'body'], { profiles: ['withDetails'] }),
      ownerName: projection.fields('owner', ['fullName'], { profiles: ['ownerInfo'] }),
      hasOwner: projection.exists('owner', { profiles: ['ownerInfo'] }),
      ownerCount: projection.count('owner', { profiles: ['ownerInfo'] }),
      score: projection.custom({
        load: (_ids, { parents }) => new Map(parents.map((p) => [p.id, Number(p.notesCount) * 10])),
        dependsOn: ['notesCount'],
        default: -1,
        reads: () => [BenchNote],
        profiles: ['stats'],
      }),
      pinnedNote: projection.custom({
        load: async (ids, { db }) => {
          const rows = await db
            .executor()
            .selectFrom('bench_notes')
            .select(['record_id', 'body'])
            .where('record_id', 'in', [...ids])
            .where('pinned', '=', db.dialect === 'sqlite' ? 1 : true)
            .execute();
          return new Map(rows.map((r) => [r.record_id, String(r.body)]));
        },
        reads: () => [BenchNote],
        profiles: ['stats'],
      }),
    },
  },
);

/**
 * Categories nest: a self-referential relation. A model's type cannot depend on itself, so the
 * relation's thunk is typed `AnyModel` (the related rows are then loosely typed).
 */
export const Category = model(
  'bench_categories',
  {
    id: column.int().primaryKey().autoIncrement(),
    parentId: column
      .int()
      .references((): ColumnRef => Category.id)
      .nullable(),
    name: column.string(60),
  },
  {
    relations: {
      parent: relation.manyToOne((): AnyModel => Category, { by: 'parentId' }),
      children: relation.oneToMany((): AnyModel => Category, { by: 'parentId', profiles: ['tree'] }),
    },
    projections: { childCount: projection.count('children', { profiles: ['tree'] }) },
  },
);

/** Every model of the relation tests. */
export const BENCH_MODELS = [BenchUser, BenchProfile, BenchRecord, BenchNote, Category] as const;
