import { describe, expectTypeOf, it } from 'vitest';
import {
  type CursorPage,
  type Infer,
  type OffsetPage,
  type SqlRepository,
  type TextChange,
  where,
} from '../../src/index.ts';
import type { Owner } from '../support/models.ts';

type Repo = SqlRepository<typeof Owner>;
type OwnerEntity = Infer<typeof Owner>;

/** Never called: the calls below are checked by the compiler only. */
export function compileOnly(repo: Repo): void {
  void repo.update(1, { fullName: 'A', zipCode: null });
  // @ts-expect-error misspelled field
  void repo.update(1, { fulName: 'A' });
  // @ts-expect-error the auto-increment key is not writable
  void repo.update(1, { id: 2 });
  // @ts-expect-error wrong value type
  void repo.update(1, { fullName: 1 });
  // @ts-expect-error email is not nullable
  void repo.update(1, { email: null });

  void repo.create({ fullName: 'A', email: 'a@b.c' });
  // @ts-expect-error email is required
  void repo.create({ fullName: 'A' });
  // @ts-expect-error misspelled field
  void repo.create({ fullName: 'A', email: 'a@b.c', emial: 'x' });

  void repo.getBy('email', 'a@b.c');
  void repo.getBy('zipCode', null);
  // @ts-expect-error unknown field
  void repo.getBy('mail', 'a@b.c');
  // @ts-expect-error email is a string
  void repo.getBy('email', 42);
  // @ts-expect-error unknown field
  void repo.exists('mail', 'x');

  const offset = { mode: 'offset', page: 1, limit: 5 } as const;
  const cursor = { mode: 'cursor', limit: 5 } as const;
  void repo.list({ sort: [{ field: 'fullName', direction: 'asc' }], pagination: offset });
  // @ts-expect-error unknown sort field
  void repo.list({ sort: [{ field: 'name', direction: 'asc' }], pagination: offset });
  // @ts-expect-error unknown direction
  void repo.list({ sort: [{ field: 'email', direction: 'up' }], pagination: cursor });
  void repo.list({ filter: where('zipCode', 'eq', '28001'), pagination: cursor });
  // @ts-expect-error unknown filter field
  void repo.list({ filter: where('zip', 'eq', '28001'), pagination: cursor });
  // @ts-expect-error unknown filter operator
  void repo.list({ filter: where('zipCode', 'equals', '28001'), pagination: cursor });
  // @ts-expect-error unknown field in count
  void repo.count(where('zip', 'eq', '1'));
  // @ts-expect-error a page needs a mode
  void repo.list({ pagination: { page: 1, limit: 5 } });
}

describe('repository types', () => {
  it('reads return the entity or null', () => {
    expectTypeOf<Repo['getById']>().returns.resolves.toEqualTypeOf<OwnerEntity | null>();
    expectTypeOf<Repo['update']>().returns.resolves.toEqualTypeOf<OwnerEntity | null>();
    expectTypeOf<Repo['create']>().returns.resolves.toEqualTypeOf<OwnerEntity>();
    expectTypeOf<Repo['delete']>().returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf<Repo['count']>().returns.resolves.toEqualTypeOf<number>();
  });

  it('list returns the envelope of the pagination mode', () => {
    expectTypeOf<(r: Repo) => ReturnType<Repo['list']>>().toBeFunction();
    const offset = (r: Repo) => r.list({ pagination: { mode: 'offset', page: 1, limit: 1 } });
    const cursor = (r: Repo) => r.list({ pagination: { mode: 'cursor', limit: 1 } });
    expectTypeOf(offset).returns.resolves.toEqualTypeOf<OffsetPage<OwnerEntity>>();
    expectTypeOf(cursor).returns.resolves.toEqualTypeOf<CursorPage<OwnerEntity>>();
  });

  it('the update patch only names writable model fields', () => {
    expectTypeOf<Parameters<Repo['update']>[1]>().toEqualTypeOf<{
      fullName?: string | TextChange;
      email?: string | TextChange;
      zipCode?: string | TextChange | null;
    }>();
    expectTypeOf(compileOnly).toBeFunction();
  });
});
