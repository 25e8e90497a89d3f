import { describe, expect, it } from 'vitest';
import { startStore } from '../observability/store-app.ts';
import { bootOnce } from './measure-boot.ts';

// The figures of docs/boot-time.md come from `node packages/loom/test/app/measure-boot.ts`;
// these tests only catch gross regressions (a busy CI machine is several times slower than an idle one).
describe('boot time of the store example', () => {
  it('a process (node + createApp + listen) logs "Server listening" within 15 s', async () => {
    const ms = await bootOnce();
    console.info(`store boot, process start → listening: ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(15_000);
  });

  it('createApp + listen in a warm process takes under 5 s', async () => {
    const started = performance.now();
    const store = await startStore();
    const ms = performance.now() - started;
    await store.close();
    console.info(`store boot, createApp → listening (warm process): ${Math.round(ms)} ms`);
    expect(ms).toBeLessThan(5_000);
  });
});
