import { describe, expect, it } from 'vitest';
import { StatementNames } from './prepared-statements.ts';

describe('StatementNames', () => {
  it('names each distinct text once, in order of first use', () => {
    const names = new StatementNames();
    expect(names.nameOf('select 1 where $1')).toBe('loom_1');
    expect(names.nameOf('select 2 where $1')).toBe('loom_2');
    expect(names.nameOf('select 1 where $1')).toBe('loom_1');
    expect(names.size).toBe(2);
  });

  it('leaves new texts unnamed once the bound is reached', () => {
    const names = new StatementNames(1);
    expect(names.nameOf('a')).toBe('loom_1');
    expect(names.nameOf('b')).toBeUndefined();
    expect(names.nameOf('a')).toBe('loom_1');
  });
});
