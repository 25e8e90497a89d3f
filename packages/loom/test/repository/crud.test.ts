import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { tick, useDatabase } from '../support/fixture.ts';
import { InvalidQuery, type UpdateInput, where } from '../support/internals.ts';
import { Item, Owner } from '../support/models.ts';

describe.each(DIALECTS)('repository CRUD on %s', (dialect) => {
  const fx = useDatabase(dialect, [Item, Owner]);

  // §16.2-27 (read profiles: relations and projections) is ported in test/relations/profiles.test.ts.

  it('§16.2-21 creates, reads, updates and deletes one row', async () => {
    const items = fx.repo(Item);
    const created = await items.create({ name: 'keyboard' });
    expect(created).toEqual({ id: 1, name: 'keyboard', price: 0 });
    expect(await items.getById(1)).toEqual(created);
    expect(await items.update(1, { price: 99.9 })).toEqual({ id: 1, name: 'keyboard', price: 99.9 });
    expect(await items.getById(1)).toEqual({ id: 1, name: 'keyboard', price: 99.9 });
    expect(await items.delete(1)).toBe(true);
    expect(await items.getById(1)).toBeNull();
  });

  it('§16.2-22 update and delete of a missing id, count of an empty table', async () => {
    const items = fx.repo(Item);
    expect(await items.count()).toBe(0);
    expect(await items.update(9999, { name: 'x' })).toBeNull();
    expect(await items.update(9999, {})).toBeNull();
    expect(await items.delete(9999)).toBe(false);
    await items.create({ name: 'a' });
    expect(await items.delete(1)).toBe(true);
    expect(await items.delete(1)).toBe(false);
  });

  it('getById converts the id by the key type and answers null for an id that cannot exist', async () => {
    const items = fx.repo(Item);
    const a = await items.create({ name: 'a' });
    expect(await items.getById(String(a.id))).toEqual(a);
    expect(await items.getById('abc')).toBeNull();
    expect(await items.getById(1.5)).toBeNull();
    expect(await items.update('abc', { name: 'z' })).toBeNull();
    expect(await items.delete('abc')).toBe(false);
  });

  it('create ignores unknown keys and never takes the auto-increment id or timestamps from the client', async () => {
    const owners = fx.repo(Owner);
    const early = new Date('2000-01-01T00:00:00Z');
    const data = { fullName: 'Ada', email: 'ada@example.com', bogus: 1, id: 77, createdAt: early };
    const ada = await owners.create(data);
    expect(ada).toEqual({
      id: 1,
      fullName: 'Ada',
      email: 'ada@example.com',
      zipCode: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    expect(ada.createdAt.getTime()).toBeGreaterThan(early.getTime());
    expect(ada.createdAt.getTime()).toBe(ada.updatedAt.getTime());
    expect(Object.keys(ada)).not.toContain('bogus');
  });

  it('getBy and exists look a row up by any filterable field, NULL included', async () => {
    const owners = fx.repo(Owner);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com', zipCode: '28001' });
    const bob = await owners.create({ fullName: 'Bob', email: 'bob@example.com' });
    expect(await owners.getBy('email', 'bob@example.com')).toEqual(bob);
    expect(await owners.getBy('zipCode', '28001')).toEqual(ada);
    expect(await owners.getBy('zipCode', null)).toEqual(bob);
    expect(await owners.getBy('email', 'nobody@example.com')).toBeNull();
    expect(await owners.exists('email', 'ada@example.com')).toBe(true);
    expect(await owners.exists('email', 'nobody@example.com')).toBe(false);
    expect(await owners.exists('zipCode', null)).toBe(true);
    await expect(owners.getBy('nope' as 'email', 'x')).rejects.toBeInstanceOf(InvalidQuery);
    await expect(owners.exists('nope' as 'email', 'x')).rejects.toBeInstanceOf(InvalidQuery);
  });

  it('update writes only the keys present in the patch, in one statement', async () => {
    const owners = fx.repo(Owner);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com', zipCode: '28001' });
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql));
    const updated = await owners.update(ada.id, { fullName: 'Ada Lovelace' });
    stop();
    expect(updated).toMatchObject({ fullName: 'Ada Lovelace', email: 'ada@example.com', zipCode: '28001' });
    expect(statements).toHaveLength(1);
    const update = statements[0]!;
    expect(update).toMatch(/^update /i);
    expect(update).toMatch(/returning/i);
    const setClause = update.slice(update.search(/ set /i), update.search(/ where /i));
    expect(setClause).toContain('"full_name"');
    expect(setClause).toContain('"updated_at"');
    expect(setClause).not.toContain('"email"');
    expect(setClause).not.toContain('"zip_code"');
    expect(setClause).not.toContain('"created_at"');
  });

  it('update ignores unknown keys, undefined values, the key and the timestamps; null clears a nullable', async () => {
    const owners = fx.repo(Owner);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com', zipCode: '28001' });
    const patch: Record<string, unknown> = {
      bogus: 1,
      id: 99,
      createdAt: new Date(0),
      fullName: undefined,
      zipCode: null,
    };
    const updated = await owners.update(ada.id, patch as UpdateInput<typeof Owner>);
    expect(updated).toMatchObject({ id: ada.id, fullName: 'Ada', zipCode: null, createdAt: ada.createdAt });
    expect(Object.keys(updated ?? {})).not.toContain('bogus');
    expect(await owners.getById(99)).toBeNull();
  });

  it('§16.2-30 update moves updatedAt and never createdAt; an empty patch returns the row', async () => {
    const owners = fx.repo(Owner);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com' });
    await tick();
    const renamed = await owners.update(ada.id, { fullName: 'Ada L' });
    expect(renamed?.createdAt).toEqual(ada.createdAt);
    expect(renamed!.updatedAt.getTime()).toBeGreaterThan(ada.updatedAt.getTime());
    await tick();
    const touched = await owners.update(ada.id, {});
    expect(touched).toMatchObject({ id: ada.id, fullName: 'Ada L', email: 'ada@example.com' });
    expect(touched?.createdAt).toEqual(ada.createdAt);
    expect(touched!.updatedAt.getTime()).toBeGreaterThanOrEqual(renamed!.updatedAt.getTime());
    expect(await owners.getById(ada.id)).toEqual(touched);
  });

  it('an empty patch on a model without timestamps returns the stored row', async () => {
    const items = fx.repo(Item);
    const a = await items.create({ name: 'a', price: 3 });
    expect(await items.update(a.id, {})).toEqual(a);
    expect(await items.update(a.id, { bogus: true } as UpdateInput<typeof Item>)).toEqual(a);
  });

  it('creates reuse one statement per set of columns: a left-out column keeps its default, values never leak', async () => {
    const items = fx.repo(Item);
    const statements: string[] = [];
    const stop = fx.db.onStatement((sql) => statements.push(sql));
    const priced = await items.create({ name: 'a', price: 5 });
    const again = await items.create({ name: 'b', price: 7 });
    // Same keys, one of them undefined: the column is left out (its default), not bound as NULL.
    const unpriced = await items.create({ name: 'c', price: undefined } as never);
    const plain = await items.create({ name: 'd' });
    stop();
    expect([priced, again, unpriced, plain]).toEqual([
      { id: 1, name: 'a', price: 5 },
      { id: 2, name: 'b', price: 7 },
      { id: 3, name: 'c', price: 0 },
      { id: 4, name: 'd', price: 0 },
    ]);
    expect(statements).toHaveLength(4);
    expect(statements[1]).toBe(statements[0]);
    expect(statements[2]).not.toMatch(/"price"/);
    expect(statements[3]).toBe(statements[2]);
  });

  it('repeated lookups by a field bind each call its own value, NULL tests apart', async () => {
    const owners = fx.repo(Owner);
    const ada = await owners.create({ fullName: 'Ada', email: 'ada@example.com', zipCode: '28001' });
    const bob = await owners.create({ fullName: 'Bob', email: 'bob@example.com' });
    for (let round = 0; round < 2; round++) {
      expect(await owners.exists('zipCode', '28001')).toBe(true);
      expect(await owners.exists('zipCode', '99999')).toBe(false);
      expect(await owners.exists('zipCode', null)).toBe(true);
      expect(await owners.getBy('zipCode', null)).toEqual(bob);
      expect(await owners.getBy('zipCode', '28001')).toEqual(ada);
      expect(await owners.getBy('email', 'bob@example.com')).toEqual(bob);
    }
    await owners.update(bob.id, { zipCode: '1' });
    expect(await owners.exists('zipCode', null)).toBe(false);
    expect(await owners.getBy('zipCode', null)).toBeNull();
  });

  it('count counts every row or the rows a filter matches', async () => {
    const items = fx.repo(Item);
    for (const [name, price] of [
      ['a', 10],
      ['b', 20],
      ['c', 20],
    ] as const)
      await items.create({ name, price });
    expect(await items.count()).toBe(3);
    expect(await items.count(where('price', 'eq', 20))).toBe(2);
    expect(await items.count(where('price', 'gt', 100))).toBe(0);
    await expect(items.count(where('nope', 'eq', 1) as never)).rejects.toBeInstanceOf(InvalidQuery);
  });
});
