import { describe, expectTypeOf, it } from 'vitest';
import {
  type CursorPage,
  type FilterNode,
  type Infer,
  type InferColumns,
  model,
  type OffsetPage,
  type ProfileArg,
  type ProfileName,
  projection,
  type QueryField,
  relation,
  type SqlRepository,
  where,
} from '../../src/index.ts';
import { BenchNote, type BenchRecord, BenchUser } from '../relations/models.ts';

type Columns = { id: number; ownerId: number | null; title: string; createdAt: Date; updatedAt: Date };
type User = { id: number; fullName: string; email: string };
type Note = { id: number; recordId: number; body: string; pinned: boolean };
type Records = SqlRepository<typeof BenchRecord>;

/** Never called: the calls below are checked by the compiler only. */
export function compileOnly(records: Records, profile: string): void {
  void records.list({
    filter: where('owner.fullName', 'eq', 'Ada'),
    pagination: { mode: 'cursor', limit: 5 },
  });
  void records.list({ filter: where('notes', 'exists', true), pagination: { mode: 'cursor', limit: 5 } });
  // @ts-expect-error the owner has no field "name"
  void records.list({ filter: where('owner.name', 'eq', 'Ada'), pagination: { mode: 'cursor', limit: 5 } });
  void records.list({
    // @ts-expect-error sorts name columns only
    sort: [{ field: 'owner.fullName', direction: 'asc' }],
    pagination: { mode: 'cursor', limit: 5 },
  });
  void records.count(where('notes.body', 'like', '%x%'));
  void records.getById(1, { profile });

  // @ts-expect-error the target (BenchNote) has no column "ownerId"
  relation.oneToMany(() => BenchNote, { by: 'ownerId' });
  model(
    'bad',
    { id: BenchUser.$columns.id },
    {
      // @ts-expect-error a many-to-one key is a column of this model
      relations: { user: relation.manyToOne(() => BenchUser, { by: 'userId' }) },
    },
  );
  model(
    'bad',
    { id: BenchUser.$columns.id, userId: BenchUser.$columns.id },
    {
      relations: { user: relation.manyToOne(() => BenchUser, { by: 'userId' }) },
      // @ts-expect-error BenchUser has no column "name"
      projections: { names: projection.fields('user', ['name']) },
    },
  );
  model(
    'bad',
    { id: BenchUser.$columns.id },
    {
      // @ts-expect-error no relation "user"
      projections: { n: projection.count('user') },
    },
  );
}

describe('relation and projection types', () => {
  it('Infer without a profile is the default profile: columns plus its projections', () => {
    expectTypeOf<Infer<typeof BenchRecord>>().toEqualTypeOf<
      Columns & { hasNotes: boolean } extends infer T ? { [K in keyof T]: T[K] } : never
    >();
    expectTypeOf<Infer<typeof BenchRecord, 'default'>>().toEqualTypeOf<Infer<typeof BenchRecord>>();
    expectTypeOf<InferColumns<typeof BenchRecord>>().toEqualTypeOf<Columns>();
    // A model without relations or projections is its columns, for any profile.
    expectTypeOf<Infer<typeof BenchNote>>().toEqualTypeOf<Note>();
    expectTypeOf<Infer<typeof BenchNote, string>>().toEqualTypeOf<Note>();
  });

  it('a profile adds exactly the relations and projections it loads, camelCase or snake_case', () => {
    type Details = Infer<typeof BenchRecord, 'withDetails'>;
    expectTypeOf<Details>().toEqualTypeOf<
      Columns & {
        owner: User | null;
        notes: Note[];
        hasNotes: boolean;
        notesCount: number;
        noteSnippets: { id: number; body: string }[];
      } extends infer T
        ? { [K in keyof T]: T[K] }
        : never
    >();
    expectTypeOf<Infer<typeof BenchRecord, 'with_details'>>().toEqualTypeOf<Details>();
    expectTypeOf<Infer<typeof BenchRecord, 'counts'>>().toEqualTypeOf<
      Columns & { notesCount: number } extends infer T ? { [K in keyof T]: T[K] } : never
    >();
    expectTypeOf<Infer<typeof BenchRecord, 'counts'>>().not.toHaveProperty('hasNotes');
  });

  it('projections through a to-one relation are an object or null; custom ones take their loader type', () => {
    type Info = Infer<typeof BenchRecord, 'ownerInfo'>;
    expectTypeOf<Info['ownerName']>().toEqualTypeOf<{ fullName: string } | null>();
    expectTypeOf<Info['hasOwner']>().toEqualTypeOf<boolean>();
    expectTypeOf<Info['ownerCount']>().toEqualTypeOf<number>();
    type Stats = Infer<typeof BenchRecord, 'stats'>;
    // `score` declares a default; `pinnedNote` does not, so a parent the loader skips gets null.
    expectTypeOf<Stats['score']>().toEqualTypeOf<number>();
    expectTypeOf<Stats['pinnedNote']>().toEqualTypeOf<string | null>();
    expectTypeOf<Stats>().not.toHaveProperty('notesCount');
  });

  it('a one-to-one relation is the related row or null', () => {
    expectTypeOf<Infer<typeof BenchUser, 'withProfile'>['profile']>().toEqualTypeOf<{
      id: number;
      userId: number;
      bio: string;
    } | null>();
  });

  it('profile names: canonical camelCase, snake_case accepted as an argument', () => {
    expectTypeOf<ProfileName<typeof BenchRecord>>().toEqualTypeOf<
      'default' | 'withDetails' | 'counts' | 'ownerInfo' | 'stats'
    >();
    expectTypeOf<(typeof BenchRecord.$profiles)[number]>().toEqualTypeOf<ProfileName<typeof BenchRecord>>();
    expectTypeOf<'with_details' | 'owner_info'>().toExtend<ProfileArg<typeof BenchRecord>>();
    expectTypeOf<ProfileName<typeof BenchNote>>().toEqualTypeOf<'default'>();
  });

  it('repository reads are typed by a literal profile, and by the default shape otherwise', () => {
    const byId = (r: Records) => r.getById(1, { profile: 'withDetails' });
    expectTypeOf(byId).returns.resolves.toEqualTypeOf<Infer<typeof BenchRecord, 'withDetails'> | null>();
    const plain = (r: Records) => r.getById(1);
    expectTypeOf(plain).returns.resolves.toEqualTypeOf<Infer<typeof BenchRecord> | null>();
    const dynamic = (r: Records, p: string) => r.getById(1, { profile: p });
    expectTypeOf(dynamic).returns.resolves.toEqualTypeOf<Infer<typeof BenchRecord> | null>();
    const byTitle = (r: Records) => r.getBy('title', 'x', { profile: 'counts' });
    expectTypeOf(byTitle).returns.resolves.toEqualTypeOf<Infer<typeof BenchRecord, 'counts'> | null>();
    const offset = (r: Records) =>
      r.list({ pagination: { mode: 'offset', page: 1, limit: 1 } }, { profile: 'with_details' });
    expectTypeOf(offset).returns.resolves.toEqualTypeOf<
      OffsetPage<Infer<typeof BenchRecord, 'withDetails'>>
    >();
    const cursor = (r: Records) => r.list({ pagination: { mode: 'cursor', limit: 1 } });
    expectTypeOf(cursor).returns.resolves.toEqualTypeOf<CursorPage<Infer<typeof BenchRecord>>>();
  });

  it('filter fields: columns, relations and relation.column paths', () => {
    expectTypeOf<'title' | 'notes' | 'owner' | 'owner.fullName' | 'notes.body'>().toExtend<
      QueryField<typeof BenchRecord>
    >();
    expectTypeOf<'owner.title'>().not.toExtend<QueryField<typeof BenchRecord>>();
    expectTypeOf<QueryField<typeof BenchNote>>().toEqualTypeOf<'id' | 'recordId' | 'body' | 'pinned'>();
    expectTypeOf(where('owner.email', 'eq', 'a')).toExtend<FilterNode<QueryField<typeof BenchRecord>>>();
    expectTypeOf(compileOnly).toBeFunction();
  });
});
