/**
 * The depth check of JSON bodies (src/rest/json-guard.ts): bodies with at most `max` opening brackets are
 * passed without a scan; the others are scanned, strings skipped.
 */
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from '../../src/rest/json-guard.ts';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('nestsDeeperThan', () => {
  it('finds nesting one level past the limit, and passes nesting at the limit', () => {
    expect(nestsDeeperThan(nested(9), 8)).toBe(true);
    expect(nestsDeeperThan(nested(8), 8)).toBe(false);
    const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    expect(nestsDeeperThan(objects(9), 8)).toBe(true);
    expect(nestsDeeperThan(objects(8), 8)).toBe(false);
  });

  it('a long body with few brackets is not too deep', () => {
    const body = JSON.stringify({ email: 'x'.repeat(500), items: [{ a: 1 }, { b: [2] }] });
    expect(nestsDeeperThan(body, 4)).toBe(false);
    expect(nestsDeeperThan(body, 2)).toBe(true);
  });

  it('brackets inside strings count toward the pre-check but not toward the depth', () => {
    const body = JSON.stringify({ note: '[[[[[[[[[[{{{{{{{{{{', list: [1, 2] });
    expect(nestsDeeperThan(body, 3)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ a: { b: { c: { d: '[[[[' } } } }), 3)).toBe(true);
  });
});
