import { describe, expectTypeOf, it } from 'vitest';
import {
  append,
  atLeast,
  decrement,
  type Infer,
  increment,
  type SqlRepository,
  type UpdateChanges,
} from '../../src/index.ts';
import type { Stock } from '../concurrency/models.ts';

type Repo = SqlRepository<typeof Stock>;

/** Never called: the calls below are checked by the compiler only. */
export function compileOnly(repo: Repo): void {
  void repo.update(1, {
    quantity: increment(),
    big: decrement(2),
    weight: atLeast(0),
    reserved: increment(),
  });
  void repo.update(1, { label: append('-x'), notes: append('!', { once: true }), quantity: 3 });
  void repo.update(1, { label: 'plain' }, { expectedVersion: 3 });
  void repo.delete(1, { expectedVersion: [3, 4] });
  // @ts-expect-error increment applies to numeric columns only
  void repo.update(1, { label: increment() });
  // @ts-expect-error append applies to text columns only
  void repo.update(1, { quantity: append('1') });
  // @ts-expect-error a decimal is a string in TS, but not text: no append
  void repo.update(1, { price: append('0') });
  // @ts-expect-error a boolean takes no change
  void repo.update(1, { active: increment() });
  // @ts-expect-error the version is managed: never written by callers
  void repo.update(1, { version: increment() });
  // @ts-expect-error an expected version is a number
  void repo.update(1, { label: 'x' }, { expectedVersion: '3' });
}

describe('update change types', () => {
  it('the version column is part of the entity, a number', () => {
    expectTypeOf<Infer<typeof Stock>['version']>().toEqualTypeOf<number>();
  });

  it('changes are typed per column kind', () => {
    expectTypeOf<UpdateChanges<typeof Stock>['quantity']>().toEqualTypeOf<
      number | ReturnType<typeof increment> | undefined
    >();
    expectTypeOf<UpdateChanges<typeof Stock>['label']>().toEqualTypeOf<
      string | ReturnType<typeof append> | undefined
    >();
    expectTypeOf<UpdateChanges<typeof Stock>['price']>().toEqualTypeOf<string | undefined>();
    expectTypeOf(compileOnly).toBeFunction();
  });
});
