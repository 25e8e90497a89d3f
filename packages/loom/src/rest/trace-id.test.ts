import { describe, expect, it } from 'vitest';
import { newTraceId, traceIdOf } from './trace-id.ts';

describe('newTraceId', () => {
  it('gives 32 lowercase hex characters: a per-process prefix and a counter that grows by one', () => {
    const ids = Array.from({ length: 40 }, () => newTraceId());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids.map((id) => id.slice(0, 16))).size).toBe(1);
    const counters = ids.map((id) => BigInt(`0x${id.slice(16)}`));
    // 40 ids cross at least two hex carries (…0f → …10), where a wrong digit order would show.
    counters.slice(1).forEach((c, i) => {
      expect(c - (counters[i] as bigint)).toBe(1n);
    });
  });
});

describe('traceIdOf', () => {
  it('keeps a sane x-request-id, taking the first of repeated headers', () => {
    expect(traceIdOf('abc-123_x.y:z@w/1+2=3')).toBe('abc-123_x.y:z@w/1+2=3');
    expect(traceIdOf(['first', 'second'])).toBe('first');
  });

  it('replaces a missing, empty, too long or unsafe header with a new id', () => {
    for (const bad of [undefined, '', 'x'.repeat(129), 'has space', 'new\nline', 'é']) {
      expect(traceIdOf(bad)).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(traceIdOf('x'.repeat(128))).toBe('x'.repeat(128));
  });
});
