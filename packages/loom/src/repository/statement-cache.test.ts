import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.ts';

describe('StatementCache', () => {
  it('keeps a shape whose compiled parameters are the bound values, and reuses its text', () => {
    const cache = new StatementCache();
    let builds = 0;
    const build = (values: unknown[]) => () => {
      builds++;
      return CompiledQuery.raw('select * from t where a = $1 and b = $2', values);
    };
    const first = cache.compiled('s', [1, 'x'], build([1, 'x']));
    const second = cache.compiled('s', [2, 'y'], build([2, 'y']));
    expect(builds).toBe(1);
    expect(second.sql).toBe(first.sql);
    expect(second.parameters).toEqual([2, 'y']);
  });

  it('compiles every time a shape whose parameters differ from the values (never a wrong binding)', () => {
    const cache = new StatementCache();
    let builds = 0;
    const build = () => {
      builds++;
      return CompiledQuery.raw('select * from t where a = $1 limit 10', [1, 10]);
    };
    expect(cache.compiled('s', [1], build).parameters).toEqual([1, 10]);
    expect(cache.compiled('s', [1], build).parameters).toEqual([1, 10]);
    expect(builds).toBe(2);
  });

  it('remembers a bounded number of shapes', () => {
    const cache = new StatementCache(2);
    let builds = 0;
    const build = () => {
      builds++;
      return CompiledQuery.raw('select 1 where $1', [true]);
    };
    for (const key of ['a', 'b', 'c', 'a', 'b', 'c']) cache.compiled(key, [true], build);
    expect(builds).toBe(4);
  });
});
