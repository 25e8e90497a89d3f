import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { createWorker, type LoomWorker } from '../../src/app/create-worker.ts';
import { createInProcessBackend } from '../../src/job/backends/index.ts';
import { eventually, STORE_WORKER, storeOverlay, tempDir } from './store-app.ts';

describe('metrics.workerPort: a worker process serves its own Prometheus metrics', () => {
  const tmp = tempDir('loom-worker-metrics-');
  let worker: LoomWorker | undefined;
  afterAll(async () => {
    await worker?.stop({ timeoutMs: 5_000 });
    await (await tmp).dispose();
  });

  it('serves job counters, the outbox backlog and process metrics at metrics.path; 404 elsewhere', async () => {
    const overlay = await storeOverlay((await tmp).path, 'metrics:\n  workerPort: 0\n');
    // The store's worker.yaml on its defaults is in-process: handed in, since from config a worker
    // would refuse it (decision 0060). The metrics endpoint is what this test is about.
    worker = await createWorker({
      config: [STORE_WORKER, overlay],
      logger: pino({ level: 'silent' }),
      backend: createInProcessBackend(),
    });
    expect(worker.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    worker.start();
    const url = worker.metricsUrl!;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await first.text();
    expect(text).toMatch(/^loom_outbox_backlog \d+$/m);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);

    // A job run by this worker shows up in its own registry.
    await worker.assembly.jobs.dispatchRaw(
      [...worker.assembly.declarations.jobs].find(([, name]) => name === 'SendRestockEmail')?.[0] ??
        fail('no SendRestockEmail job'),
      { params: { productId: 1 }, payload: { recipientEmail: 'a@b.co' } },
    );
    await eventually(async () =>
      /^loom_jobs_total\{job="SendRestockEmail",queue="notifications",event="dispatched"\} 1$/m.test(
        await (await fetch(url)).text(),
      ),
    );
    expect((await fetch(url.replace('/metrics', '/other'))).status).toBe(404);

    await worker.stop({ timeoutMs: 5_000 });
    worker = undefined;
    await expect(fetch(url)).rejects.toThrow();
  });

  it('serves nothing without metrics.workerPort', async () => {
    const dir = `${(await tmp).path}/plain`;
    await import('node:fs/promises').then((fs) => fs.mkdir(dir));
    const plain = await createWorker({
      config: [STORE_WORKER, await storeOverlay(dir)],
      logger: pino({ level: 'silent' }),
      backend: createInProcessBackend(),
    });
    expect(plain.metricsUrl).toBeUndefined();
    await plain.stop();
  });
});

function fail(message: string): never {
  throw new Error(message);
}
