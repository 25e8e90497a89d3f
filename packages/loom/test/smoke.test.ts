import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { column, model, SqlRepository, syncSchema, where } from '../src/index.ts';
import { DIALECTS, openTestDatabase } from './support/dialects.ts';

const User = model('users', {
  id: column.int().primaryKey().autoIncrement(),
  fullName: column.string(120),
  email: column.string(255).unique().index(),
  active: column.boolean().default(true),
  meta: column.json<{ a: number }>().nullable(),
}, { timestamps: true });

describe.each(DIALECTS)('smoke on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: SqlRepository<typeof User>;
  beforeAll(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, [User]);
    repo = new SqlRepository(User, db, { cursorSecret: 'test-secret-123' });
  });
  afterAll(() => db.dispose());
  it('crud + list', async () => {
    const u = await repo.create({ fullName: 'Ada', email: 'ada@x.io', meta: { a: 1 } });
    expect(u).toMatchObject({ id: 1, fullName: 'Ada', active: true, meta: { a: 1 } });
    expect(u.createdAt).toBeInstanceOf(Date);
    await expect(repo.create({ fullName: 'B', email: 'ada@x.io' })).rejects.toMatchObject({ status: 409, constraint: 'uq_users_email' });
    const up = await repo.update(1, { fullName: 'Ada L' });
    expect(up?.fullName).toBe('Ada L');
    for (let i = 0; i < 5; i++) await repo.create({ fullName: `n${i % 2}`, email: `e${i}@x.io` });
    const page = await repo.list({ filter: where('fullName', 'like', 'n%'), sort: [{ field: 'fullName', direction: 'desc' }], pagination: { mode: 'cursor', limit: 2 } });
    expect(page.items.length).toBe(2);
    const p2 = await repo.list({ filter: where('fullName', 'like', 'n%'), sort: [{ field: 'fullName', direction: 'desc' }], pagination: { mode: 'cursor', limit: 2, after: page.nextCursor! } });
    expect(p2.items.length).toBe(2);
    const off = await repo.list({ pagination: { mode: 'offset', page: 9, limit: 2 } });
    expect(off.totalCount).toBe(6);
    expect(await repo.delete(1)).toBe(true);
    expect(await repo.getById(1)).toBeNull();
  });
});
