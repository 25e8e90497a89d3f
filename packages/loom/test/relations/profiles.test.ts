/**
 * Read profiles (§10.6): which relations and projections a read loads, and their values, on both
 * dialects.
 */
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { column, entitySchemaOf, InvalidQuery, model, projection } from '../support/internals.ts';
import { BENCH_MODELS, BenchNote, BenchProfile, BenchRecord, BenchUser, Category } from './models.ts';

const anyDate = expect.any(Date);

describe.each(DIALECTS)('read profiles on %s', (dialect) => {
  const fx = useDatabase(dialect, BENCH_MODELS);

  /** Ada owns record 1 (two notes, the first pinned); record 2 has no owner and no notes. */
  async function seed() {
    const ada = await fx.repo(BenchUser).create({ fullName: 'Ada', email: 'ada@x.io' });
    const r1 = await fx.repo(BenchRecord).create({ title: 'first', ownerId: ada.id });
    const r2 = await fx.repo(BenchRecord).create({ title: 'second', ownerId: null });
    const n1 = await fx.repo(BenchNote).create({ recordId: r1.id, body: 'alpha', pinned: true });
    const n2 = await fx.repo(BenchNote).create({ recordId: r1.id, body: 'beta' });
    return { ada, r1, r2, n1, n2 };
  }

  it('§16.2-27 the default profile is the columns plus the default projections', async () => {
    const { ada, r1, r2 } = await seed();
    const records = fx.repo(BenchRecord);
    const columns = { id: r1.id, ownerId: ada.id, title: 'first', createdAt: anyDate, updatedAt: anyDate };
    expect(await records.getById(r1.id)).toEqual({ ...columns, hasNotes: true });
    expect(await records.getById(r1.id, { profile: 'default' })).toEqual({ ...columns, hasNotes: true });
    expect(await records.getById(r2.id)).toEqual({
      ...columns,
      id: r2.id,
      ownerId: null,
      title: 'second',
      hasNotes: false,
    });
  });

  it('§16.2-27 withDetails loads the owner, the notes and every projection; with_details is the same profile', async () => {
    const { ada, r1, n1, n2 } = await seed();
    const note = (n: typeof n1) => ({ id: n.id, recordId: r1.id, body: n.body, pinned: n.pinned });
    const expected = {
      id: r1.id,
      ownerId: ada.id,
      title: 'first',
      createdAt: anyDate,
      updatedAt: anyDate,
      owner: { id: ada.id, fullName: 'Ada', email: 'ada@x.io' },
      notes: [note(n1), note(n2)],
      hasNotes: true,
      notesCount: 2,
      noteSnippets: [
        { id: n1.id, body: 'alpha' },
        { id: n2.id, body: 'beta' },
      ],
    };
    expect(await fx.repo(BenchRecord).getById(r1.id, { profile: 'withDetails' })).toEqual(expected);
    expect(await fx.repo(BenchRecord).getById(r1.id, { profile: 'with_details' })).toEqual(expected);
    expect(await fx.repo(BenchRecord).getBy('title', 'first', { profile: 'with_details' })).toEqual(expected);
  });

  it('a row without related rows gets null, an empty list, zero and false', async () => {
    const { r2 } = await seed();
    const details = await fx.repo(BenchRecord).getById(r2.id, { profile: 'withDetails' });
    expect(details).toMatchObject({
      owner: null,
      notes: [],
      hasNotes: false,
      notesCount: 0,
      noteSnippets: [],
    });
    const info = await fx.repo(BenchRecord).getById(r2.id, { profile: 'ownerInfo' });
    expect(info).toMatchObject({ ownerName: null, hasOwner: false, ownerCount: 0 });
  });

  it('projections through a many-to-one relation that is not loaded read the target by its key', async () => {
    // loom-py queried the foreign key column on the target table here, which does not exist.
    const { r1 } = await seed();
    const info = await fx.repo(BenchRecord).getById(r1.id, { profile: 'ownerInfo' });
    expect(info).toEqual({
      id: r1.id,
      ownerId: r1.ownerId,
      title: 'first',
      createdAt: anyDate,
      updatedAt: anyDate,
      ownerName: { fullName: 'Ada' },
      hasOwner: true,
      ownerCount: 1,
    });
  });

  it('a one-to-one relation yields the related row or null', async () => {
    const { ada } = await seed();
    const bob = await fx.repo(BenchUser).create({ fullName: 'Bob', email: 'bob@x.io' });
    const profile = await fx.repo(BenchProfile).create({ userId: ada.id, bio: 'math' });
    const page = await fx
      .repo(BenchUser)
      .list(
        { sort: [{ field: 'id', direction: 'asc' }], pagination: { mode: 'offset', page: 1, limit: 10 } },
        { profile: 'withProfile' },
      );
    expect(page.items.map((u) => u.profile)).toEqual([{ id: profile.id, userId: ada.id, bio: 'math' }, null]);
    expect(await fx.repo(BenchUser).getById(bob.id)).toEqual({
      id: bob.id,
      fullName: 'Bob',
      email: 'bob@x.io',
    });
  });

  it('custom loaders run after the projections they depend on; hidden dependencies stay out', async () => {
    const { r1, r2 } = await seed();
    const page = await fx
      .repo(BenchRecord)
      .list(
        { sort: [{ field: 'id', direction: 'asc' }], pagination: { mode: 'offset', page: 1, limit: 10 } },
        { profile: 'stats' },
      );
    expect(page.items.map((r) => [r.id, r.score, r.pinnedNote])).toEqual([
      [r1.id, 20, 'alpha'],
      [r2.id, 0, null],
    ]);
    // notesCount was computed for score only: `stats` does not list it.
    expect(page.items[0]).not.toHaveProperty('notesCount');
  });

  it('a custom loader is called once per page with the distinct parent ids; missing ids get the default', async () => {
    await seed();
    const calls: (readonly (string | number)[])[] = [];
    const Labelled = model(
      'bench_records',
      { id: column.int().primaryKey().autoIncrement(), title: column.string(120) },
      {
        name: 'LabelledRecord',
        projections: {
          label: projection.custom({
            load: (ids) => {
              calls.push(ids);
              return new Map([[ids[0], `#${String(ids[0])}`]]);
            },
            default: 'none',
          }),
        },
      },
    );
    const page = await fx.repo(Labelled).list({ pagination: { mode: 'offset', page: 1, limit: 10 } });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual(page.items.map((r) => r.id));
    expect(page.items.map((r) => r.label)).toEqual([`#${page.items[0]!.id}`, 'none']);
  });

  it('an unknown profile is an InvalidQuery (400) naming the declared profiles, before any statement', async () => {
    await seed();
    const records = fx.repo(BenchRecord);
    const statements: string[] = [];
    const stop = fx.db.onStatement((s) => statements.push(s));
    const attempts = [
      records.getById(1, { profile: 'nope' }),
      records.getBy('title', 'first', { profile: 'nope' }),
      records.list({ pagination: { mode: 'offset', page: 1, limit: 1 } }, { profile: 'nope' }),
      fx.repo(BenchUser).getById(1, { profile: 'withDetails' }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidQuery);
      expect(error).toMatchObject({ status: 400, parameter: 'profile' });
    }
    stop();
    expect(statements).toEqual([]);
    const error = await records.getById(1, { profile: 'nope' }).catch((e: Error) => e.message);
    expect(error).toContain('default, withDetails, counts, ownerInfo, stats');
  });

  it('create and update return the default profile', async () => {
    const { r2 } = await seed();
    const records = fx.repo(BenchRecord);
    const created = await records.create({ title: 'third' });
    expect(created).toMatchObject({ title: 'third', ownerId: null, hasNotes: false });
    await fx.repo(BenchNote).create({ recordId: r2.id, body: 'now with a note' });
    expect(await records.update(r2.id, { title: 'second!' })).toMatchObject({
      title: 'second!',
      hasNotes: true,
    });
    expect(await records.update(r2.id, {})).toMatchObject({ title: 'second!', hasNotes: true });
  });

  it('self-referential relations load parents and children of the same table', async () => {
    const cats = fx.repo(Category);
    const root = await cats.create({ name: 'root', parentId: null });
    const a = await cats.create({ name: 'a', parentId: root.id });
    const b = await cats.create({ name: 'b', parentId: root.id });
    const tree = await cats.list(
      { sort: [{ field: 'id', direction: 'asc' }], pagination: { mode: 'offset', page: 1, limit: 10 } },
      { profile: 'tree' },
    );
    expect(tree.items.map((c) => [c.name, c.children.map((x) => x.name), c.childCount])).toEqual([
      ['root', ['a', 'b'], 2],
      ['a', [], 0],
      ['b', [], 0],
    ]);
    const leaf = await cats.getById(b.id);
    expect(leaf?.parent).toEqual({ id: root.id, parentId: null, name: 'root' });
    expect((await cats.getById(a.id, { profile: 'tree' }))?.children).toEqual([]);
  });

  it('every profile serializes to the JSON Schema entitySchemaOf gives for it, key for key', async () => {
    await seed();
    for (const profile of BenchRecord.$profiles) {
      const schema = entitySchemaOf(BenchRecord, profile);
      const check = Compile(schema);
      const page = await fx
        .repo(BenchRecord)
        .list({ pagination: { mode: 'offset', page: 1, limit: 10 } }, { profile });
      for (const item of page.items) {
        const wire = JSON.parse(JSON.stringify(item)) as Record<string, unknown>;
        expect(check.Check(wire), `${profile}: ${JSON.stringify([...check.Errors(wire)])}`).toBe(true);
        expect(Object.keys(wire).sort()).toEqual(Object.keys(schema.properties).sort());
      }
    }
  });
});
