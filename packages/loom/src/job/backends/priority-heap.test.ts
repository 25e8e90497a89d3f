import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriorityHeap } from './priority-heap.ts';

describe('PriorityHeap', () => {
  it('pops in comparator order, whatever the push order', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer())), (pairs) => {
        const items = pairs.map(([priority, tag], seq) => ({ priority, tag, seq }));
        const heap = new PriorityHeap<(typeof items)[number]>(
          (a, b) => a.priority - b.priority || a.seq - b.seq,
        );
        for (const item of items) heap.push(item);
        expect(heap.size).toBe(items.length);
        const popped = Array.from({ length: items.length }, () => heap.pop());
        expect(popped).toEqual([...items].sort((a, b) => a.priority - b.priority || a.seq - b.seq));
        expect(heap.pop()).toBeUndefined();
      }),
    );
  });
});
