import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../src/job/job-runtime.ts';
import {
  collectDeclarations,
  createApp,
  createWorker,
  type LoomApp,
  type LoomWorker,
  restInterface,
  route,
} from '../support/internals.ts';
import {
  CallbackRun,
  DispatchOverridable,
  Overridable,
  OverridableCallbacks,
  Product,
  probe,
} from './support/declarations.ts';
import { callbacksOf } from './support/harness.ts';
import { REDIS_URL } from './support/targets.ts';

const OverridableApi = restInterface(Product, {
  prefix: '/overridable',
  routes: [route.post('/', DispatchOverridable, { status: 202 })],
});

const declarations = collectDeclarations([
  ['Product', Product],
  ['CallbackRun', CallbackRun],
  ['Overridable', Overridable],
  ['OverridableCallbacks', OverridableCallbacks],
  ['DispatchOverridable', DispatchOverridable],
  ['OverridableApi', OverridableApi],
]);

const prefix = `loomtest-cfg-${randomBytes(4).toString('hex')}`;

// `jobs.overrides.<JobName>` is read by the API (where the job is dispatched: queue, attempts) and by the
// worker (which queues it consumes) from the same config, unlike loom-py, whose API never reads it.
describe('jobs.overrides from config, on the API side and the worker side', () => {
  let dir: string;
  let app: LoomApp;
  let worker: LoomWorker;
  const workerEvents: JobEvent[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loom-jobs-config-'));
    await writeFile(
      join(dir, 'base.yaml'),
      [
        'app: { name: jobs-config, cursorSecret: jobs-config-cursor-secret-1234 }',
        `database: { url: "sqlite:${join(dir, 'app.db')}", sync: create }`,
        'jobs:',
        '  backend: bullmq',
        `  redisUrl: ${REDIS_URL}`,
        `  prefix: ${prefix}`,
        '  queues: [critical]',
        '  concurrency: 2',
        '  overrides:',
        '    Overridable: { queue: critical, retries: 3, backoffMs: 5 }',
        'logger: { level: silent }',
        '',
      ].join('\n'),
    );
    await writeFile(join(dir, 'api.yaml'), 'includes: [base.yaml]\n');
    await writeFile(join(dir, 'worker.yaml'), 'includes: [base.yaml]\n');
    app = await createApp({ config: [join(dir, 'api.yaml')], declarations });
    worker = await createWorker({ config: [join(dir, 'worker.yaml')], declarations });
    worker.assembly.jobs.onEvent((e) => void workerEvents.push(e));
    worker.start();
  });

  afterAll(async () => {
    await app?.close();
    await worker?.stop({ timeoutMs: 5_000 });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it('both sides see the overridden queue and retries', () => {
    for (const jobs of [app.loom.jobs, worker.assembly.jobs]) {
      expect(jobs.settingsOf(Overridable)).toMatchObject({
        name: 'Overridable',
        queue: 'critical',
        retries: 3,
      });
      expect(jobs.queues()).toEqual(['critical']);
    }
    expect(worker.queues).toEqual(['critical']);
  });

  it('the API dispatches to the overridden queue with its retries; the worker consumes it and runs them all', async () => {
    const key = `cfg-${randomBytes(4).toString('hex')}`;
    const res = await app.inject({ method: 'POST', url: '/overridable', payload: { key } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ queue: 'critical' });
    const [row] = await callbacksOf(app.loom.db, key, 1, 15_000);
    expect(row?.detail).toEqual({
      error: { type: 'RestockRefused', message: `overridable ${key} always fails` },
      attempts: 4,
    });
    expect(probe.attempts.get(key)).toBe(4);
    // The API process (bullmq backend) consumes nothing: the worker ran every attempt.
    const started = workerEvents.filter((e) => e.type === 'started' && e.name === 'Overridable');
    expect(started).toHaveLength(4);
    expect(started.every((e) => e.queue === 'critical')).toBe(true);
  });
});
