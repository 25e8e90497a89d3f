/**
 * Many-to-many relations through a link model (issue 18, point 5): profile loading in batches (and as
 * joined reads on PostgreSQL), a statement count independent of the page size, relation filters, link
 * maintenance in the use case's transaction, declaration errors.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { filterOf } from '../../src/rest/filter-key.ts';
import { DIALECTS, PG_URL } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import {
  and,
  type Database,
  entitySchemaOf,
  type Infer,
  Kernel,
  model,
  NotFound,
  openDatabase,
  relation,
  SqlRepository,
  t,
  useCase,
  where,
} from '../support/internals.ts';
import { CURSOR_SECRET } from '../support/models.ts';
import {
  Article,
  ArticleLabel,
  Label,
  LabelWithFriends,
  M2M_MODELS,
  Pairing,
} from './many-to-many-models.ts';

const LABELS = ['red', 'green', 'blue', 'gold'] as const;

/** 120 articles; article n carries labels n mod 4 and (n + 1) mod 4, except every 5th has none. */
async function seed(db: Database): Promise<void> {
  const labels = new SqlRepository(Label, db, { cursorSecret: CURSOR_SECRET });
  const articles = new SqlRepository(Article, db, { cursorSecret: CURSOR_SECRET });
  const ids: number[] = [];
  for (const name of LABELS) ids.push((await labels.create({ name })).id);
  for (let n = 1; n <= 120; n++) {
    const a = await articles.create({ title: `Article ${n}` });
    if (n % 5 !== 0) await articles.links('labels').set(a.id, [ids[n % 4]!, ids[(n + 1) % 4]!]);
  }
}

async function counted<T>(db: Database, fn: () => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const stop = db.onStatement(() => statements++);
  try {
    return { result: await fn(), statements };
  } finally {
    stop();
  }
}

describe.each(DIALECTS)('many-to-many on %s', (dialect) => {
  const fx = useDatabase(dialect, M2M_MODELS, 'all');
  // On PostgreSQL also the joined reads (`profileReads: 'joined'`) over the same schema.
  let joined: Database | undefined;
  beforeAll(async () => {
    await seed(fx.db);
    if (dialect === 'postgres') {
      const schema = (
        await fx.db
          .executor()
          .selectNoFrom((eb) => eb.fn('current_schema').as('s'))
          .executeTakeFirst()
      )?.s as string;
      joined = openDatabase({
        dialect: 'postgres',
        connectionString: PG_URL,
        searchPath: schema,
        poolSize: 2,
        profileReads: 'joined',
      });
    }
  });
  afterAll(async () => {
    await joined?.close();
  });
  const readers = () => [fx.db, ...(joined ? [joined] : [])];
  const articlesOn = (db: Database) => new SqlRepository(Article, db, { cursorSecret: CURSOR_SECRET });

  it('loads the related rows of a profile, each target once, ordered by key, with projections from them', async () => {
    for (const db of readers()) {
      const one = await articlesOn(db).getById(1, { profile: 'withLabels' });
      expect(one?.labels.map((l) => l.name)).toEqual(['green', 'blue']);
      expect(one?.labels[0]).toEqual({ id: 2, name: 'green', color: null });
      expect(one?.labelCount).toBe(2);
      expect(one?.labelNames).toEqual([{ name: 'green' }, { name: 'blue' }]);
      const none = await articlesOn(db).getById(5, { profile: 'withLabels' });
      expect(none).toMatchObject({ labels: [], labelCount: 0, labelNames: [] });
      expect(await articlesOn(db).getById(5, { profile: 'flags' })).toMatchObject({ hasLabels: false });
      expect(await articlesOn(db).getById(6, { profile: 'flags' })).toMatchObject({ hasLabels: true });
      // The default profile carries the count, not the rows.
      const plain = await articlesOn(db).getById(3);
      expect(plain).toMatchObject({ labelCount: 2 });
      expect(plain).not.toHaveProperty('labels');
    }
  });

  it('keeps a constant statement count for pages of 1 and 100 (no N+1)', async () => {
    // batched: the page + one statement for the labels (the count and names come from them);
    // joined (PostgreSQL): the page statement alone.
    for (const [db, expected] of readers().map((db) => [db, db === joined ? 1 : 2] as const)) {
      for (const mode of ['offset', 'cursor'] as const) {
        const measured: number[] = [];
        for (const limit of [1, 100]) {
          const pagination = mode === 'offset' ? { mode, page: 1, limit, withCount: false } : { mode, limit };
          const { result, statements } = await counted(db, () =>
            articlesOn(db).list({ pagination }, { profile: 'withLabels' }),
          );
          expect(result.items).toHaveLength(limit);
          expect(result.items.every((a) => a.labels.length === a.labelCount)).toBe(true);
          measured.push(statements);
        }
        expect(measured).toEqual([expected, expected]);
      }
    }
  });

  it('filters through the link: a field of some related row, and exists', async () => {
    const articles = fx.repo(Article);
    const gold = await articles.list({
      filter: where('labels.name', 'eq', 'gold'),
      pagination: { mode: 'offset', page: 1, limit: 1000 },
    });
    // gold is label index 3: n mod 4 = 3 or (n + 1) mod 4 = 3, minus every 5th.
    const expected = Array.from({ length: 120 }, (_, i) => i + 1).filter(
      (n) => n % 5 !== 0 && (n % 4 === 3 || (n + 1) % 4 === 3),
    );
    expect(gold.items.map((a) => a.id)).toEqual(expected);
    expect(gold.totalCount).toBe(expected.length);
    const both = await articles.count(
      and(where('labels.name', 'eq', 'red'), where('labels.name', 'eq', 'green')),
    );
    expect(both).toBe(
      Array.from({ length: 120 }, (_, i) => i + 1).filter((n) => n % 5 !== 0 && n % 4 === 3).length,
    );
    expect(await articles.count(where('labels', 'exists', false))).toBe(24);
    expect(await articles.count(where('labels', 'exists', true))).toBe(96);
    expect(await articles.count(where('labels.name', 'in', ['red', 'blue']))).toBe(96);
  });

  it('parses the query grammar for it: labels__name=…, labels__name__in=…, labels__exists=…', () => {
    expect(filterOf(Article, 'labels__name', 'gold')).toEqual(where('labels.name', 'eq', 'gold'));
    expect(filterOf(Article, 'labels__name__in', 'a,b')).toEqual(where('labels.name', 'in', ['a', 'b']));
    expect(filterOf(Article, 'labels__exists', 'false')).toEqual(where('labels', 'exists', false));
    expect(() => filterOf(Article, 'labels__nmae', 'x')).toThrow(/nmae/);
  });

  it('set / add / remove maintain the links and say what they changed', async () => {
    const articles = fx.repo(Article);
    const a = await articles.create({ title: 'links' });
    const tags = articles.links('labels');
    expect(await tags.set(a.id, [1, 2, 2])).toEqual({ added: 2, removed: 0 });
    expect(await tags.list(a.id)).toEqual([1, 2]);
    expect(await tags.add(a.id, [2, 3])).toBe(1);
    expect(await tags.remove(a.id, [1, 4])).toBe(1);
    expect(await tags.list(a.id)).toEqual([2, 3]);
    expect(await tags.set(a.id, [4])).toEqual({ added: 1, removed: 2 });
    expect((await articles.getById(a.id, { profile: 'withLabels' }))?.labels.map((l) => l.id)).toEqual([4]);
    expect(await tags.set(a.id, [])).toEqual({ added: 0, removed: 1 });
    expect(await tags.list(a.id)).toEqual([]);
    // A duplicate pair written past the editor is still read once.
    await fx.repo(ArticleLabel).create({ articleId: a.id, labelId: 1 });
    await fx.repo(ArticleLabel).create({ articleId: a.id, labelId: 1 });
    const read = await articles.getById(a.id, { profile: 'withLabels' });
    expect(read).toMatchObject({ labelCount: 1, labels: [{ id: 1 }] });
    expect(await articles.count(where('labels.name', 'eq', 'red'))).toBeGreaterThan(0);
    expect(await tags.remove(a.id, [1])).toBe(1);
    expect(await tags.list(a.id)).toEqual([]);
  });

  it('a missing target is a 404 naming the target and the key, and nothing is written', async () => {
    const articles = fx.repo(Article);
    const a = await articles.create({ title: 'missing target' });
    const error = await articles
      .links('labels')
      .add(a.id, [9999])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFound);
    expect(error).toMatchObject({ entity: 'M2mLabel', id: 9999 });
    expect(await articles.links('labels').list(a.id)).toEqual([]);
  });

  it("runs in the use case's transaction: a failing use case leaves the links as they were", async () => {
    const kernel = new Kernel({ db: fx.db, cursorSecret: CURSOR_SECRET });
    const Relabel = useCase(Article, {
      name: 'relabel',
      params: { id: t.Integer(), fail: t.Boolean() },
      execute: async ({ params, repo }) => {
        const changed = await repo.links('labels').set(params.id, [3, 4]);
        if (params.fail) throw new Error('after the links were written');
        return changed;
      },
    });
    const a = await fx.repo(Article).create({ title: 'tx' });
    await fx.repo(Article).links('labels').set(a.id, [1]);
    await expect(kernel.invoke(Relabel, { params: { id: a.id, fail: true } })).rejects.toThrow(
      /after the links/,
    );
    expect(await fx.repo(Article).links('labels').list(a.id)).toEqual([1]);
    await expect(kernel.invoke(Relabel, { params: { id: a.id, fail: false } })).resolves.toEqual({
      added: 2,
      removed: 1,
    });
    expect(await fx.repo(Article).links('labels').list(a.id)).toEqual([3, 4]);
  });

  it('explicit from / to: a self relation through a link with two keys to the same table', async () => {
    const pairs = fx.repo(Pairing);
    await pairs.create({ leftId: 1, rightId: 3 });
    await pairs.create({ leftId: 1, rightId: 2 });
    const labels = new SqlRepository(LabelWithFriends, fx.db, { cursorSecret: CURSOR_SECRET });
    const red = await labels.getById(1, { profile: 'friends' });
    expect(red?.friends.map((f) => f.name)).toEqual(['green', 'blue']);
    expect(await labels.links('friends').list(2)).toEqual([]);
  });
});

describe('many-to-many declarations', () => {
  it('the profile type includes the related array; links take the target key type', () => {
    type WithLabels = Infer<typeof Article, 'withLabels'>;
    expectTypeOf<WithLabels['labels']>().toEqualTypeOf<
      { id: number; name: string; color: string | null }[]
    >();
    expectTypeOf<WithLabels['labelNames']>().toEqualTypeOf<{ name: string }[]>();
    expectTypeOf<Infer<typeof Article>>().not.toHaveProperty('labels');
    const repo = {} as SqlRepository<typeof Article>;
    const _check = () => {
      // @ts-expect-error only many-to-many relations have links
      repo.links('labelCount');
      // @ts-expect-error label keys are numbers
      repo.links('labels').add(1, ['red']);
    };
    void _check;
    expectTypeOf<Parameters<ReturnType<typeof repo.links<'labels'>>['set']>[1]>().toEqualTypeOf<
      readonly number[]
    >();
  });

  it('OpenAPI: the profile schema has the related array', () => {
    const schema = entitySchemaOf(Article, 'withLabels') as { properties: Record<string, unknown> };
    expect(schema.properties.labels).toMatchObject({ type: 'array', items: { title: 'M2mLabel' } });
  });

  it('an ambiguous or wrong link is a declaration error naming the model and relation', () => {
    const Ambiguous = model(
      'm2m_ambiguous',
      { id: Label.$columns.id },
      { relations: { friends: relation.manyToMany(() => Label, { through: Pairing }) } },
    );
    expect(() => entitySchemaOf(Ambiguous, 'default')).toThrow(/friends.*cannot tell which column/);
    const WrongColumn = model(
      'm2m_wrong',
      { id: Label.$columns.id },
      {
        relations: {
          labels: relation.manyToMany(() => Label, { through: ArticleLabel, from: 'nope' as 'articleId' }),
        },
      },
    );
    expect(() => entitySchemaOf(WrongColumn, 'default')).toThrow(/"from" names "nope"/);
    expect(() => relation.manyToMany(() => Label, { through: 'x' as never })).toThrow(/through/);
  });
});
