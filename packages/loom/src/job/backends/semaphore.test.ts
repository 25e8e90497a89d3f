import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.ts';

describe('Semaphore', () => {
  it('admits at most `permits` holders and wakes waiters in FIFO order', async () => {
    const gate = new Semaphore(2);
    const order: string[] = [];
    const r1 = await gate.acquire();
    const r2 = await gate.acquire();
    const third = gate.acquire().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = gate.acquire().then((release) => {
      order.push('fourth');
      return release;
    });
    await Promise.resolve();
    expect(gate.waiting).toBe(2);
    expect(order).toEqual([]);
    r1();
    r1(); // releasing twice frees one permit only
    (await third)();
    r2();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(gate.waiting).toBe(0);
  });
});
