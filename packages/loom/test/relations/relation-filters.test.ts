/**
 * Filters through relations (`owner__fullName__eq=Ada` → field `owner.fullName`; `notes__exists=true`)
 * compile to correlated EXISTS subqueries. The data makes an uncorrelated subquery (loom-py §10.8) give
 * a different answer for every case: with it, `exists` would be true for all rows as soon as the related
 * table has any matching row.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { and, type FilterNode, InvalidQuery, or, type QueryField, where } from '../support/internals.ts';
import { BENCH_MODELS, BenchNote, BenchRecord, BenchUser, Category } from './models.ts';

type RecordFilter = FilterNode<QueryField<typeof BenchRecord>>;

describe.each(DIALECTS)('relation filters on %s', (dialect) => {
  const fx = useDatabase(dialect, BENCH_MODELS, 'all');

  // r1: Ada, note "x" (pinned) · r2: Bob, no notes · r3: no owner, note "y" · r4: Ada, notes "x", "z".
  beforeAll(async () => {
    const users = fx.repo(BenchUser);
    const ada = await users.create({ fullName: 'Ada', email: 'ada@x.io' });
    const bob = await users.create({ fullName: 'Bob', email: 'bob@x.io' });
    const records = fx.repo(BenchRecord);
    const r1 = await records.create({ title: 'r1', ownerId: ada.id });
    await records.create({ title: 'r2', ownerId: bob.id });
    const r3 = await records.create({ title: 'r3', ownerId: null });
    const r4 = await records.create({ title: 'r4', ownerId: ada.id });
    const notes = fx.repo(BenchNote);
    await notes.create({ recordId: r1.id, body: 'x', pinned: true });
    await notes.create({ recordId: r3.id, body: 'y' });
    await notes.create({ recordId: r4.id, body: 'x' });
    await notes.create({ recordId: r4.id, body: 'z' });
    const cats = fx.repo(Category);
    const root = await cats.create({ name: 'root', parentId: null });
    const a = await cats.create({ name: 'a', parentId: root.id });
    await cats.create({ name: 'a1', parentId: a.id });
    await cats.create({ name: 'other', parentId: null });
  });

  /** The titles the filter matches, by offset and by cursor; count() and totalCount must agree. */
  async function titles(filter: RecordFilter): Promise<string> {
    const records = fx.repo(BenchRecord);
    const sort = [{ field: 'id', direction: 'asc' }] as const;
    const offset = await records.list({ filter, sort, pagination: { mode: 'offset', page: 1, limit: 10 } });
    const cursor = await records.list({ filter, sort, pagination: { mode: 'cursor', limit: 10 } });
    expect(cursor.items).toEqual(offset.items);
    expect(offset.totalCount).toBe(offset.items.length);
    expect(await records.count(filter)).toBe(offset.items.length);
    return offset.items.map((r) => r.title).join(' ');
  }

  it.each<[string, RecordFilter, string]>([
    ['owner.fullName eq', where('owner.fullName', 'eq', 'Ada'), 'r1 r4'],
    ['owner.fullName ne (rows without an owner do not match)', where('owner.fullName', 'ne', 'Ada'), 'r2'],
    ['owner.fullName ilike', where('owner.fullName', 'ilike', 'b%'), 'r2'],
    ['owner.full_name (snake_case field)', where('owner.full_name' as 'owner.fullName', 'eq', 'Bob'), 'r2'],
    ['owner.email in', where('owner.email', 'in', 'bob@x.io,nobody@x.io'), 'r2'],
    ['notes exists true', where('notes', 'exists', true), 'r1 r3 r4'],
    ['notes exists "false" (query-string text)', where('notes', 'exists', 'false'), 'r2'],
    ['owner exists false', where('owner', 'exists', false), 'r3'],
    ['notes.body eq (some note matches)', where('notes.body', 'eq', 'y'), 'r3'],
    ['notes.body eq shared by two records', where('notes.body', 'eq', 'x'), 'r1 r4'],
    ['notes.body ne (some other note)', where('notes.body', 'ne', 'x'), 'r3 r4'],
    ['notes.pinned typed by the note column', where('notes.pinned', 'eq', 'true'), 'r1'],
    ['and of two relations', and(where('owner.fullName', 'eq', 'Ada'), where('notes.body', 'eq', 'z')), 'r4'],
    [
      'or of two relations',
      or(where('owner.fullName', 'eq', 'Bob'), where('notes.body', 'eq', 'y')),
      'r2 r3',
    ],
    ['relation and column', and(where('notes', 'exists', true), where('title', 'ne', 'r1')), 'r3 r4'],
    ['nothing matches', where('owner.fullName', 'eq', 'Zed'), ''],
  ])('%s', async (_name, filter, expected) => {
    expect(await titles(filter)).toBe(expected);
  });

  it('a self-referential relation filter is correlated to the outer row, not to itself', async () => {
    const names = async (filter: FilterNode<QueryField<typeof Category>>) =>
      (
        await fx.repo(Category).list({
          filter,
          sort: [{ field: 'id', direction: 'asc' }],
          pagination: { mode: 'offset', page: 1, limit: 10 },
        })
      ).items
        .map((c) => c.name)
        .join(' ');
    expect(await names(where('parent.name', 'eq', 'root'))).toBe('a');
    expect(await names(where('parent', 'exists', false))).toBe('root other');
    expect(await names(where('children', 'exists', true))).toBe('root a');
    expect(await names(where('children.name', 'like', 'a%'))).toBe('root a');
  });

  it.each<[string, FilterNode<string>]>([
    ['a relation without exists or a field', where('owner', 'eq', 'Ada')],
    ['an unknown field of the related model', where('notes.colour', 'eq', 'red')],
    ['an unknown relation', where('author.fullName', 'eq', 'Ada')],
    ['exists on a related field', where('owner.fullName', 'exists', true)],
    ['exists on a column', where('title', 'exists', true)],
    ['a path two relations deep', where('owner.profile.bio', 'eq', 'x')],
    ['an empty field after the relation', where('owner.', 'eq', 'x')],
    ['exists with a non-boolean', where('notes', 'exists', 'maybe')],
    ['a value of the wrong type for the related column', where('notes.pinned', 'eq', 'often')],
  ])('refuses %s with InvalidQuery (400)', async (_name, node) => {
    const records = fx.repo(BenchRecord);
    const filter = node as RecordFilter;
    await expect(
      records.list({ filter, pagination: { mode: 'offset', page: 1, limit: 5 } }),
    ).rejects.toBeInstanceOf(InvalidQuery);
    await expect(records.count(filter)).rejects.toMatchObject({ status: 400 });
  });

  it('the subquery binds every value as a parameter and joins on the relation keys', async () => {
    const statements: string[] = [];
    const stop = fx.db.onStatement((s) => statements.push(s));
    await fx.repo(BenchRecord).count(where('owner.fullName', 'eq', "O'Brien"));
    stop();
    expect(statements[0]).toContain('"__r_owner"."id" = "bench_records"."owner_id"');
    expect(statements[0]).not.toContain("O'Brien");
  });
});
