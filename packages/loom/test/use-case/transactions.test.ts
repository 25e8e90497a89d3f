/**
 * Transactions (loom-core-spec §16.2 checks 19–20, DESIGN §7): every non-read-only use case runs in one
 * transaction, rolled back on any error; a nested `app.invoke` joins it; read-only use cases run without.
 */
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/db/database.ts';
import { DIALECTS } from '../support/dialects.ts';
import { command, NotFound, t, useCase } from '../support/internals.ts';
import { Author, CATALOG } from './catalog-fixture.ts';
import { useKernel } from './kernel-fixture.ts';

const NewAuthor = command({ name: t.String(), email: t.String() }, { name: 'NewAuthor' });

describe.each(DIALECTS)('transactions on %s', (dialect) => {
  const fx = useKernel(dialect, CATALOG);
  // SQLite takes the write lock when a transaction begins (see ImmediateSqliteDialect).
  const BEGIN = dialect === 'sqlite' ? 'begin immediate' : 'begin';
  const authors = () =>
    fx.kernel.entity(Author).list({ pagination: { mode: 'offset', page: 1, limit: 100 } });
  const emails = async () => (await authors()).items.map((a) => a.email).sort();

  const CreateAuthor = useCase(Author, {
    name: 'CreateAuthor',
    input: NewAuthor,
    execute: ({ input, repo }) => repo.create(input),
  });

  it('a use case that creates a row and then throws leaves no row; a committed row from before stays (check 19)', async () => {
    await fx.kernel.invoke(CreateAuthor, { payload: { name: 'Kept', email: 'kept@x.io' } });
    const boom = new Error('failed after the insert');
    let insertedId = -1;
    const CreateThenFail = useCase(Author, {
      input: NewAuthor,
      execute: async ({ input, repo }) => {
        const row = await repo.create(input);
        insertedId = row.id;
        // The row is visible inside the transaction...
        expect(await repo.getById(row.id)).toMatchObject({ email: 'gone@x.io' });
        throw boom;
      },
    });
    await expect(
      fx.kernel.invoke(CreateThenFail, { payload: { name: 'Gone', email: 'gone@x.io' } }),
    ).rejects.toBe(boom);
    // ...and gone after the rollback.
    expect(insertedId).toBeGreaterThan(0);
    await expect(fx.kernel.entity(Author).get(insertedId)).rejects.toBeInstanceOf(NotFound);
    expect(await emails()).toEqual(['kept@x.io']);
  });

  it('a NotFound raised after a write rolls the write back too', async () => {
    const CreateThenMissing = useCase(Author, {
      input: NewAuthor,
      execute: async ({ input, repo }) => {
        await repo.create(input);
        throw new NotFound('Book', 7);
      },
    });
    await expect(
      fx.kernel.invoke(CreateThenMissing, { payload: { name: 'A', email: 'a@x.io' } }),
    ).rejects.toMatchObject({ status: 404, entity: 'Book', id: 7 });
    expect(await emails()).toEqual([]);
  });

  it('readOnly: execute runs outside any transaction (check 20); otherwise inside one', async () => {
    const Probe = useCase(null, { readOnly: true, execute: ({ db }) => db.inTransaction() });
    const WriteProbe = useCase(null, { execute: ({ db }) => db.inTransaction() });
    await expect(fx.kernel.invoke(Probe, {})).resolves.toBe(false);
    await expect(fx.kernel.invoke(WriteProbe, {})).resolves.toBe(true);
    // And nothing is left open afterwards.
    expect(fx.db.inTransaction()).toBe(false);
  });

  it('readOnly issues no BEGIN/COMMIT; a write use case issues exactly one pair around its statements', async () => {
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql.trim().toLowerCase()));
    try {
      const Read = useCase(Author, { readOnly: true, execute: ({ repo }) => repo.count() });
      await fx.kernel.invoke(Read, {});
      expect(statements.some((s) => s.startsWith('begin'))).toBe(false);
      expect(statements).toHaveLength(1);
      statements.length = 0;
      await fx.kernel.invoke(CreateAuthor, { payload: { name: 'A', email: 'a@x.io' } });
      expect(statements).toEqual([BEGIN, expect.stringMatching(/^insert into "authors"/), 'commit']);
    } finally {
      stop();
    }
  });

  it('lazy: a write use case that only reads sends no BEGIN/COMMIT; BEGIN comes with the first write', async () => {
    await fx.kernel.invoke(CreateAuthor, { payload: { name: 'Old', email: 'old@x.io' } });
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql.trim().toLowerCase()));
    try {
      const CountOnly = useCase(Author, { execute: ({ repo }) => repo.count() });
      await expect(fx.kernel.invoke(CountOnly, {})).resolves.toBe(1);
      expect(statements).toEqual([expect.stringMatching(/^select/)]);
      statements.length = 0;
      const ReadThenWrite = useCase(Author, {
        input: NewAuthor,
        execute: async ({ input, repo, db }) => {
          const before = await repo.count();
          expect(db.transactionOpen()).toBe(false);
          const created = await repo.create(input);
          expect(db.transactionOpen()).toBe(true);
          // Reads after the first write run in the transaction and see it.
          return [before, await repo.count(), created.email];
        },
      });
      await expect(
        fx.kernel.invoke(ReadThenWrite, { payload: { name: 'N', email: 'n@x.io' } }),
      ).resolves.toEqual([1, 2, 'n@x.io']);
      expect(statements).toEqual([
        expect.stringMatching(/^select/),
        BEGIN,
        expect.stringMatching(/^insert into "authors"/),
        expect.stringMatching(/^select/),
        'commit',
      ]);
    } finally {
      stop();
    }
  });

  it('lazy: a failure after reads only rolls back nothing and leaves no transaction open', async () => {
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql.trim().toLowerCase()));
    try {
      const ReadThenFail = useCase(Author, {
        execute: async ({ repo }) => {
          await repo.count();
          throw new Error('after a read');
        },
      });
      await expect(fx.kernel.invoke(ReadThenFail, {})).rejects.toThrow('after a read');
      expect(statements).toEqual([expect.stringMatching(/^select/)]);
      expect(fx.db.inTransaction()).toBe(false);
    } finally {
      stop();
    }
  });

  it('beforeCommit hooks write inside the transaction, just before COMMIT, and are dropped on rollback', async () => {
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql.trim().toLowerCase()));
    const entity = () => fx.kernel.entity(Author);
    try {
      const WithHook = (fail: boolean) =>
        useCase(Author, {
          execute: async ({ db, repo }) => {
            expect(
              db.beforeCommit(() => repo.create({ name: 'Hook', email: 'hook@x.io' }).then(() => {})),
            ).toBe(true);
            if (fail) throw new Error('no commit');
            return 'ok';
          },
        });
      await expect(fx.kernel.invoke(WithHook(true), {})).rejects.toThrow('no commit');
      expect(statements).toEqual([]);
      await expect(fx.kernel.invoke(WithHook(false), {})).resolves.toBe('ok');
      expect(statements).toEqual([BEGIN, expect.stringMatching(/^insert into "authors"/), 'commit']);
      expect(
        (await entity().list({ pagination: { mode: 'offset', page: 1, limit: 10 } })).items,
      ).toHaveLength(1);
      // Outside a unit of work there is nothing to hook into.
      expect(fx.db.beforeCommit(() => {})).toBe(false);
    } finally {
      stop();
    }
  });

  it('a rolled-back write after a read leaves the read’s world intact and the pool usable', async () => {
    await fx.kernel.invoke(CreateAuthor, { payload: { name: 'Kept', email: 'kept@x.io' } });
    const ReadWriteFail = useCase(Author, {
      input: NewAuthor,
      execute: async ({ input, repo }) => {
        await repo.count();
        await repo.create(input);
        throw new Error('rolled back');
      },
    });
    for (let i = 0; i < 3; i += 1) {
      await expect(
        fx.kernel.invoke(ReadWriteFail, { payload: { name: 'G', email: `g${i}@x.io` } }),
      ).rejects.toThrow('rolled back');
    }
    expect(await emails()).toEqual(['kept@x.io']);
  });

  it('a nested app.invoke joins the outer transaction: one transaction, one executor', async () => {
    const executors: Executor[] = [];
    const Inner = useCase(Author, {
      input: NewAuthor,
      execute: ({ input, repo, db }) => {
        executors.push(db.executor());
        expect(db.inTransaction()).toBe(true);
        return repo.create(input);
      },
    });
    const Outer = useCase(Author, {
      execute: async ({ app, db }) => {
        executors.push(db.executor());
        const a = await app.invoke(Inner, { payload: { name: 'A', email: 'a@x.io' } });
        const b = await app.invoke(Inner, { payload: { name: 'B', email: 'b@x.io' } });
        return [a.email, b.email];
      },
    });
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql.trim().toLowerCase()));
    try {
      await expect(fx.kernel.invoke(Outer, {})).resolves.toEqual(['a@x.io', 'b@x.io']);
    } finally {
      stop();
    }
    // No second transaction and no savepoint: one BEGIN, one COMMIT around both inserts.
    expect(statements.filter((s) => !s.startsWith('insert'))).toEqual([BEGIN, 'commit']);
    expect(executors).toHaveLength(3);
    expect(new Set(executors).size).toBe(1);
    expect(executors[0]).not.toBe(fx.db.kysely);
    expect(await emails()).toEqual(['a@x.io', 'b@x.io']);
  });

  it('a failure in the outer use case after a nested write rolls back both writes', async () => {
    const Outer = useCase(Author, {
      execute: async ({ app, repo }) => {
        await repo.create({ name: 'Outer', email: 'outer@x.io' });
        await app.invoke(CreateAuthor, { payload: { name: 'Inner', email: 'inner@x.io' } });
        // Both rows are visible inside the one transaction.
        expect(await repo.count()).toBe(2);
        throw new Error('outer failed');
      },
    });
    await expect(fx.kernel.invoke(Outer, {})).rejects.toThrow('outer failed');
    expect(await emails()).toEqual([]);
  });

  it('a failure inside the nested use case rolls back the outer use case’s earlier write', async () => {
    const FailingInner = useCase(Author, {
      input: NewAuthor,
      rules: ({ forbid }) => [
        forbid(({ input }) => input.email.endsWith('@blocked.io'), 'blocked domain', { field: 'email' }),
      ],
      execute: ({ input, repo }) => repo.create(input),
    });
    const Outer = useCase(Author, {
      execute: async ({ app, repo }) => {
        await repo.create({ name: 'Outer', email: 'outer@x.io' });
        return app.invoke(FailingInner, { payload: { name: 'X', email: 'x@blocked.io' } });
      },
    });
    await expect(fx.kernel.invoke(Outer, {})).rejects.toMatchObject({ status: 422 });
    expect(await emails()).toEqual([]);
  });
});
