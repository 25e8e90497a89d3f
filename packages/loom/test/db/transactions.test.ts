import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { Item } from '../support/models.ts';

class Boom extends Error {}

describe.each(DIALECTS)('transactions on %s', (dialect) => {
  const fx = useDatabase(dialect, [Item]);
  const names = async () =>
    (await fx.repo(Item).list({ pagination: { mode: 'offset', page: 1, limit: 100 } })).items.map(
      (i) => i.name,
    );

  it('commits what the function wrote and returns its result', async () => {
    const items = fx.repo(Item);
    const result = await fx.db.transaction(async () => {
      expect(fx.db.inTransaction()).toBe(true);
      await items.create({ name: 'a' });
      await items.create({ name: 'b' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(fx.db.inTransaction()).toBe(false);
    expect(await names()).toEqual(['a', 'b']);
  });

  it('rolls back every write when the function throws, and rethrows', async () => {
    const items = fx.repo(Item);
    await items.create({ name: 'before' });
    const attempt = fx.db.transaction(async () => {
      await items.create({ name: 'a' });
      await items.update(1, { name: 'changed' });
      await items.delete(1);
      throw new Boom('no');
    });
    await expect(attempt).rejects.toBeInstanceOf(Boom);
    expect(await names()).toEqual(['before']);
  });

  it('repository calls inside join the transaction: they see its uncommitted writes', async () => {
    const items = fx.repo(Item);
    await expect(
      fx.db.transaction(async () => {
        const a = await items.create({ name: 'a' });
        expect(await items.getById(a.id)).toEqual(a);
        expect(await items.count()).toBe(1);
        throw new Boom();
      }),
    ).rejects.toBeInstanceOf(Boom);
    expect(await items.count()).toBe(0);
  });

  it.runIf(dialect === 'postgres')('other connections do not see uncommitted writes', async () => {
    const items = fx.repo(Item);
    await fx.db.transaction(async () => {
      await items.create({ name: 'hidden' });
      // The pool, not the transaction: another connection.
      const outside = await fx.db.kysely.selectFrom('items').selectAll().execute();
      expect(outside).toEqual([]);
    });
    expect(await names()).toEqual(['hidden']);
  });

  it('a nested transaction joins the outer one: same executor, one commit', async () => {
    const items = fx.repo(Item);
    const executors: unknown[] = [];
    await fx.db.transaction(async () => {
      executors.push(fx.db.executor());
      await items.create({ name: 'outer' });
      await fx.db.transaction(async () => {
        executors.push(fx.db.executor());
        await items.create({ name: 'inner' });
      });
      expect(await items.count()).toBe(2);
    });
    expect(executors[0]).not.toBe(fx.db.kysely);
    expect(executors[1]).toBe(executors[0]);
    expect(await names()).toEqual(['outer', 'inner']);
  });

  it("a nested transaction's throw rolls back the outer one", async () => {
    const items = fx.repo(Item);
    const attempt = fx.db.transaction(async () => {
      await items.create({ name: 'outer' });
      await fx.db.transaction(async () => {
        await items.create({ name: 'inner' });
        throw new Boom('inner failed');
      });
      await items.create({ name: 'never' });
    });
    await expect(attempt).rejects.toThrow('inner failed');
    expect(await names()).toEqual([]);
  });

  it('an outer throw after a nested transaction finished rolls back the nested writes too', async () => {
    const items = fx.repo(Item);
    const attempt = fx.db.transaction(async () => {
      await fx.db.transaction(() => items.create({ name: 'inner' }));
      throw new Boom();
    });
    await expect(attempt).rejects.toBeInstanceOf(Boom);
    expect(await names()).toEqual([]);
  });

  it('afterCommit hooks run after the commit, in order, and see the committed rows', async () => {
    const items = fx.repo(Item);
    const events: string[] = [];
    await fx.db.transaction(async () => {
      await items.create({ name: 'a' });
      fx.db.afterCommit(async () => {
        // Runs outside the transaction, on the pool: the row is committed.
        expect(fx.db.inTransaction()).toBe(false);
        events.push(`first sees ${(await names()).join(',')}`);
      });
      await fx.db.transaction(async () => {
        fx.db.afterCommit(() => {
          events.push('registered in a nested call');
        });
      });
      events.push('body done');
    });
    expect(events).toEqual(['body done', 'first sees a', 'registered in a nested call']);
  });

  it('afterCommit hooks are dropped when the transaction rolls back', async () => {
    const events: string[] = [];
    await expect(
      fx.db.transaction(async () => {
        fx.db.afterCommit(() => {
          events.push('outer');
        });
        await fx.db.transaction(async () => {
          fx.db.afterCommit(() => {
            events.push('inner');
          });
        });
        throw new Boom();
      }),
    ).rejects.toBeInstanceOf(Boom);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(events).toEqual([]);
  });

  it('a failing afterCommit hook neither undoes the commit nor stops the next hooks', async () => {
    const items = fx.repo(Item);
    const events: string[] = [];
    const result = await fx.db.transaction(async () => {
      await items.create({ name: 'kept' });
      fx.db.afterCommit(() => {
        throw new Boom('hook failed');
      });
      fx.db.afterCommit(() => {
        events.push('second');
      });
      return 42;
    });
    expect(result).toBe(42);
    expect(events).toEqual(['second']);
    expect(await names()).toEqual(['kept']);
  });

  it('afterCommit outside a transaction runs soon, not synchronously', async () => {
    const events: string[] = [];
    fx.db.afterCommit(() => {
      events.push('ran');
    });
    expect(events).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(events).toEqual(['ran']);
  });
});
