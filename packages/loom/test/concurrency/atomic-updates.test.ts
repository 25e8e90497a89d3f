import { describe, expect, it, vi } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import {
  append,
  atLeast,
  atMost,
  BadRequest,
  decrement,
  increment,
  PreconditionFailed,
  ValidationError,
} from '../support/internals.ts';
import { Plain, Stock } from './models.ts';

const stock = (sku: string, quantity = 0) => ({ sku, label: sku, quantity });

describe.each(DIALECTS)('atomic updates on %s', (dialect) => {
  const fx = useDatabase(dialect, [Stock, Plain]);

  it('100 concurrent increments add exactly 100', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('A', 5));
    await Promise.all(Array.from({ length: 100 }, () => repo.update(id, { quantity: increment() })));
    const after = await repo.getById(id);
    expect(after?.quantity).toBe(105);
    expect(after?.version).toBe(101);
  });

  it('concurrent appends all land, and an append with once lands once', async () => {
    const repo = fx.repo(Plain);
    const { id } = await repo.create({ label: 'x', quantity: 0 });
    await Promise.all(Array.from({ length: 10 }, () => repo.update(id, { label: append('-a') })));
    expect((await repo.getById(id))?.label).toBe(`x${'-a'.repeat(10)}`);
    await Promise.all(
      Array.from({ length: 10 }, () => repo.update(id, { label: append('-done', { once: true }) })),
    );
    expect((await repo.getById(id))?.label).toBe(`x${'-a'.repeat(10)}-done`);
  });

  it('computes every kind of change from the stored value, with plain values beside them', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create({ ...stock('B', 10), big: 2 ** 40, weight: 1.5 });
    const updated = await repo.update(id, {
      quantity: decrement(3),
      big: increment(1),
      weight: increment(0.25),
      label: append('-x'),
      notes: append('n'),
      reserved: increment(2),
      active: false,
    });
    expect(updated).toMatchObject({
      quantity: 7,
      big: 2 ** 40 + 1,
      weight: 1.75,
      label: 'B-x',
      notes: 'n', // NULL counts as ''
      reserved: 2, // NULL counts as 0
      active: false,
      version: 2,
    });
    expect(await repo.update(id, { quantity: atMost(5), reserved: atLeast(4) })).toMatchObject({
      quantity: 5,
      reserved: 4,
    });
    expect(await repo.update(id, { quantity: atLeast(1), reserved: atMost(9) })).toMatchObject({
      quantity: 5,
      reserved: 4,
    });
  });

  it('the same statement shape binds new operands each time (statement cache)', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('C', 0));
    await repo.update(id, { quantity: increment(2), label: append('-p') });
    await repo.update(id, { quantity: increment(7), label: append('-qq') });
    expect(await repo.getById(id)).toMatchObject({ quantity: 9, label: 'C-p-qq', version: 3 });
  });

  it('a change on a column of another kind, or a bad operand, is a 400 naming the field', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('D'));
    const untyped = repo.update as (id: unknown, patch: Record<string, unknown>) => Promise<unknown>;
    await expect(untyped.call(repo, id, { label: increment() })).rejects.toMatchObject({
      constructor: BadRequest,
      parameter: 'label',
    });
    await expect(untyped.call(repo, id, { price: append('1') })).rejects.toBeInstanceOf(BadRequest);
    await expect(untyped.call(repo, id, { quantity: increment(1.5) })).rejects.toThrow(/quantity/);
    expect((await repo.getById(id))?.version).toBe(1);
  });

  it('a result that does not fit the column is a 422 naming the field, and nothing is written', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create({ ...stock('E', 2147483640), label: 'x'.repeat(18) });
    const overflow = repo.update(id, { quantity: increment(10) });
    await expect(overflow).rejects.toBeInstanceOf(ValidationError);
    await expect(overflow).rejects.toMatchObject({ errors: [{ path: 'quantity' }] });
    const tooLong = repo.update(id, { label: append('-abc') });
    await expect(tooLong).rejects.toMatchObject({ errors: [{ path: 'label' }] });
    expect(await repo.getById(id)).toMatchObject({ quantity: 2147483640, label: 'x'.repeat(18), version: 1 });
    expect(await repo.update(id, { quantity: increment(7), label: append('yy') })).toMatchObject({
      quantity: 2147483647,
      label: `${'x'.repeat(18)}yy`,
    });
  });

  it('a missing row is null, as for a plain update', async () => {
    const repo = fx.repo(Stock);
    expect(await repo.update(404, { quantity: increment() })).toBeNull();
    expect(await repo.update(404, { label: append('x') })).toBeNull();
  });
});

describe.each(DIALECTS)('optimistic concurrency on %s', (dialect) => {
  const fx = useDatabase(dialect, [Stock, Plain]);

  it('create starts at version 1 and every update increments it', async () => {
    const repo = fx.repo(Stock);
    const created = await repo.create(stock('F'));
    expect(created.version).toBe(1);
    expect((await repo.update(created.id, { label: 'G' }))?.version).toBe(2);
    expect((await repo.update(created.id, { quantity: increment() }))?.version).toBe(3);
  });

  it('an update with the stored version succeeds; with an older one it is a 412 and writes nothing', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('H'));
    expect(await repo.update(id, { label: 'H2' }, { expectedVersion: 1 })).toMatchObject({ version: 2 });
    const stale = repo.update(id, { label: 'H3' }, { expectedVersion: 1 });
    await expect(stale).rejects.toBeInstanceOf(PreconditionFailed);
    await expect(stale).rejects.toMatchObject({ status: 412, currentVersion: 2 });
    expect(await repo.getById(id)).toMatchObject({ label: 'H2', version: 2 });
    expect(await repo.update(id, { label: 'H4' }, { expectedVersion: [5, 2] })).toMatchObject({ version: 3 });
    expect(await repo.update(404, { label: 'x' }, { expectedVersion: 1 })).toBeNull();
  });

  it('plain values, guarded changes and an expected version bind in one statement, run after run', async () => {
    // Every kind of parameter in one UPDATE (set values, change operands, id, versions, guard
    // operands): a wrong order would write the wrong value or miss the row.
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('M', 10));
    const first = await repo.update(
      id,
      { label: 'M2', quantity: decrement(4), notes: append('a') },
      { expectedVersion: [7, 1] },
    );
    expect(first).toMatchObject({ label: 'M2', quantity: 6, notes: 'a', version: 2 });
    // The second run of the shape reuses the first one's text: it builds no query (the statement cache
    // keeps a text only when the parameters bound match the compiled ones, in order).
    const builds = vi.spyOn(fx.db, 'executor');
    const second = await repo.update(
      id,
      { label: 'M3', quantity: decrement(5), notes: append('b') },
      { expectedVersion: [7, 2] },
    );
    expect(second).toMatchObject({ label: 'M3', quantity: 1, notes: 'ab', version: 3 });
    expect(builds).not.toHaveBeenCalled();
    builds.mockRestore();
    const stale = repo.update(id, { label: 'M4', quantity: decrement(1) }, { expectedVersion: [2] });
    await expect(stale).rejects.toMatchObject({ status: 412, currentVersion: 3 });
    expect(await repo.getById(id)).toMatchObject({ label: 'M3', quantity: 1, version: 3 });
  });

  it('of concurrent updates expecting the same version exactly one wins', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('I'));
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => repo.update(id, { quantity: i + 1 }, { expectedVersion: 1 })),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o) => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((o) => o.reason instanceof PreconditionFailed)).toBe(true);
    expect((await repo.getById(id))?.version).toBe(2);
  });

  it('an empty patch with a stale version is a 412 too; with the right one it returns the row', async () => {
    const repo = fx.repo(Plain);
    const stocks = fx.repo(Stock);
    const { id } = await stocks.create(stock('J'));
    await stocks.update(id, { label: 'J2' });
    await expect(stocks.update(id, {}, { expectedVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailed);
    expect(await repo.update(1, {})).toBeNull();
  });

  it('delete honours the expected version', async () => {
    const repo = fx.repo(Stock);
    const { id } = await repo.create(stock('K'));
    await repo.update(id, { label: 'K2' });
    await expect(repo.delete(id, { expectedVersion: 1 })).rejects.toBeInstanceOf(PreconditionFailed);
    expect(await repo.getById(id)).not.toBeNull();
    expect(await repo.delete(id, { expectedVersion: 2 })).toBe(true);
    expect(await repo.delete(id, { expectedVersion: 2 })).toBe(false);
  });

  it('an expected version on a model without a version column is a programming error', async () => {
    const repo = fx.repo(Plain);
    const { id } = await repo.create({ label: 'p', quantity: 1 });
    await expect(repo.update(id, { label: 'q' }, { expectedVersion: 1 })).rejects.toThrow(
      /no version column/,
    );
  });
});
