import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, STORE_API, tempDir } from '../observability/store-app.ts';
import { deleteRedisKeys, storeOnBullmq, testPrefix } from '../support/redis-prefix.ts';
import { kill, type LoggedChild, spawnLoom } from './child-process.ts';

describe('loom serve --workers when the app cannot listen', () => {
  const tmp = tempDir('loom-cluster-fail-');
  let env: Record<string, string>;
  let bullmq: string[];
  let proc: LoggedChild | undefined;
  // --workers N needs a queue the processes share: the store on BullMQ, under this file's own prefix.
  const prefix = testPrefix('clusterfail');

  beforeAll(async () => {
    const dir = (await tmp).path;
    const shared = await storeOnBullmq(REPO_ROOT, dir, prefix);
    env = { DATABASE_URL: `sqlite:${dir}/store.db`, ...shared.env };
    bullmq = shared.files;
  });
  afterEach(() => kill(proc));
  afterAll(async () => {
    await (await tmp).dispose();
    await deleteRedisKeys(prefix);
  });

  it('stops with exit code 1 when a worker cannot start, instead of restarting it forever', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      proc = spawnLoom(['serve', '--workers', '2', '--port', String(port), STORE_API, ...bullmq], env);
      expect(await proc.exited()).toBe(1);
      expect(proc.lines.some((l) => l.msg === 'a worker exited before it listened: stopping')).toBe(true);
      expect(proc.lines.some((l) => l.msg === 'cluster worker died: restarting')).toBe(false);
      expect(proc.lines.at(-1)).toMatchObject({ msg: 'cluster stopped', failed: true });
    } finally {
      blocker.close();
    }
  }, 60_000);
});
