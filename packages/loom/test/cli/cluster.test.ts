import { writeFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, STORE_API, send, tempDir } from '../observability/store-app.ts';
import { deleteRedisKeys, storeOnBullmq, testPrefix } from '../support/redis-prefix.ts';
import { kill, type LoggedChild, spawnLoom } from './child-process.ts';

// A worker boots in ~1.5 s idle; in the full suite on two loaded cores a CI run once needed over 40 s.
const BOOT_MS = 120_000;
const TEST_MS = 300_000;

describe('loom serve --workers (node:cluster, store on SQLite, jobs on BullMQ)', () => {
  const tmp = tempDir('loom-cluster-');
  let env: Record<string, string>;
  let bullmq: string[];
  let proc: LoggedChild | undefined;
  // --workers N needs a queue the processes share: the store on BullMQ, under this file's own prefix.
  const prefix = testPrefix('cluster');

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

  it(
    '--workers 2: processes share the port, a crashed one is restarted, SIGTERM stops them all',
    async () => {
      proc = spawnLoom(['serve', '--workers', '2', '--port', '0', STORE_API, ...bullmq], env);
      const p = proc;
      const isWorkerListening = (l: Record<string, unknown>) => l.msg === 'cluster worker listening';
      const workerLines = () => p.lines.filter(isWorkerListening);
      // Generous bounds: they only cap a failure; the test goes on as soon as the lines are logged.
      await p.waitForCount(isWorkerListening, 2, BOOT_MS);
      const [first, second] = workerLines() as { worker: number; port: number }[];
      expect(first!.port).toBe(second!.port);
      expect(first!.worker).not.toBe(second!.worker);
      const base = `http://127.0.0.1:${first!.port}`;
      for (let i = 0; i < 10; i++) expect((await send(base, 'GET', '/users')).status).toBe(200);

      process.kill(first!.worker, 'SIGKILL');
      await p.waitFor(
        (l) => l.msg === 'cluster worker died: restarting' && l.worker === first!.worker,
        BOOT_MS,
      );
      await p.waitForCount(isWorkerListening, 3, BOOT_MS);
      const replacement = workerLines()[2] as { worker: number; port: number };
      expect(replacement.port).toBe(first!.port);
      expect(replacement.worker).not.toBe(first!.worker);
      for (let i = 0; i < 10; i++) expect((await send(base, 'GET', '/users')).status).toBe(200);

      p.child.kill('SIGTERM');
      expect(await p.exited()).toBe(0);
      // SIGTERM reached both live workers: each logged its graceful stop.
      const stopped = p.lines.filter((l) => l.msg === 'stopped').map((l) => l.pid);
      expect(stopped.sort()).toEqual([second!.worker, replacement.worker].sort());
      expect(p.lines.at(-1)).toMatchObject({ msg: 'cluster stopped', failed: false });
      expect(() => process.kill(replacement.worker, 0)).toThrow();
    },
    TEST_MS,
  ); // ~3 s on an idle machine; three app boots take far longer when the machine is busy

  it(
    '--workers 2 drains every worker on SIGTERM: readiness 503 while requests are still served, then a clean exit',
    async () => {
      const overlay = `${(await tmp).path}/drain.yaml`;
      // Long enough for the checks below on a busy machine; they wait for log lines, not for the clock.
      await writeFile(overlay, 'app:\n  shutdown:\n    drainDelayMs: 8000\n');
      proc = spawnLoom(['serve', '--workers', '2', '--port', '0', STORE_API, ...bullmq, overlay], env);
      const p = proc;
      const isWorkerListening = (l: Record<string, unknown>) => l.msg === 'cluster worker listening';
      const workerLines = () => p.lines.filter(isWorkerListening);
      // Generous bounds: they only cap a failure; the test goes on as soon as the lines are logged.
      await p.waitForCount(isWorkerListening, 2, BOOT_MS);
      const workers = (workerLines() as { worker: number; port: number }[]).map((l) => l.worker);
      const base = `http://127.0.0.1:${workerLines()[0]!.port}`;
      // Health answers through the shared port, whichever worker takes the connection.
      for (let i = 0; i < 6; i++) expect((await send(base, 'GET', '/health/ready')).status).toBe(200);

      p.child.kill('SIGTERM');
      const draining = () =>
        p.lines.filter((l) => l.msg === 'draining: still serving while readiness is 503').map((l) => l.pid);
      await p.waitForCount((l) => l.msg === 'draining: still serving while readiness is 503', 2, BOOT_MS);
      expect(draining().sort()).toEqual([...workers].sort());
      // Both workers draining: a load balancer sees 503 on readiness, and every request is still served.
      const during = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          send(
            base,
            i % 2 === 0 ? 'GET' : 'POST',
            i % 2 === 0 ? '/users' : '/users',
            i % 2 === 0
              ? undefined
              : {
                  fullName: `Drain ${i}`,
                  email: `drain-${i}@example.com`,
                },
          ),
        ),
      );
      expect(during.map((r) => r.status)).toEqual(
        Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 200 : 201)),
      );
      expect((await send(base, 'GET', '/health/ready')).status).toBe(503);
      expect((await send(base, 'GET', '/health/live')).status).toBe(200);

      expect(await p.exited()).toBe(0);
      const stopped = p.lines.filter((l) => l.msg === 'stopped').map((l) => l.pid);
      expect(stopped.sort()).toEqual([...workers].sort());
      expect(p.lines.at(-1)).toMatchObject({ msg: 'cluster stopped', failed: false });
      for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
    },
    TEST_MS,
  );
});
