import { describe, expect, it } from 'vitest';
import { ColumnListKey } from './column-list-key.ts';

describe('ColumnListKey', () => {
  it('joins the columns between its prefix and suffix', () => {
    expect(new ColumnListKey('update|', '||').of(['email', 'full_name'])).toBe('update|email,full_name||');
    expect(new ColumnListKey('create:').of([])).toBe('create:');
  });

  it('answers a repeated list with the same key, and a different list with its own', () => {
    const keys = new ColumnListKey('create:');
    const first = keys.of(['a', 'b']);
    expect(keys.of(['a', 'b'])).toBe(first);
    expect(keys.of(['a', 'c'])).toBe('create:a,c');
    expect(keys.of(['a'])).toBe('create:a');
    expect(keys.of(['a', 'b', 'c'])).toBe('create:a,b,c');
    expect(keys.of(['a', 'b'])).toBe('create:a,b');
  });
});
