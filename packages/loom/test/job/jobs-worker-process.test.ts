import { randomBytes } from 'node:crypto';
import { type Job, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.ts';
import { createBullmqBackend, type QueueBackend } from '../../src/job/backends/index.ts';
import { JobRuntime } from '../../src/job/job-runtime.ts';
import { OutboxEntry } from '../../src/job/outbox.ts';
import { PG_URL } from '../support/dialects.ts';
import { Kernel, syncSchema } from '../support/internals.ts';
import { type ChildWorker, startChildWorker, type WorkerTarget } from './support/child-worker.ts';
import { CallbackRun, JobRun } from './support/declarations.ts';
import { callbackRows, callbacksOf, jobRuns, keyOf, until } from './support/harness.ts';
import { Work, WorkCallbacks, WorkGroupDone } from './support/process-declarations.ts';
import { REDIS_URL } from './support/targets.ts';

// Several processes share the data: PostgreSQL (a schema of this file's own) and BullMQ on Redis (a key
// prefix of this file's own). This process plays the API: it dispatches, the child processes consume.
const id = randomBytes(4).toString('hex');
const target: WorkerTarget = {
  pgUrl: PG_URL,
  schema: `jobs_proc_${id}`,
  redisUrl: REDIS_URL,
  prefix: `loomtest-proc-${id}`,
};

const admin = async (statement: string): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
};

describe('worker processes on PostgreSQL + BullMQ', () => {
  const db = openDatabase({
    dialect: 'postgres',
    connectionString: PG_URL,
    searchPath: target.schema,
    poolSize: 4,
  });
  let backend: QueueBackend;
  let runtime: JobRuntime;
  let redis: Redis;
  let queue: Queue;
  const children: ChildWorker[] = [];
  const worker = (mode: 'block' | 'slow' | 'normal'): ChildWorker => {
    const w = startChildWorker(target, mode);
    children.push(w);
    return w;
  };
  /** The BullMQ state of a job (`completed`, `active`, …), `missing` when Redis has no such job. */
  const stateOf = async (jobId: string): Promise<string> => {
    const job: Job | undefined = await queue.getJob(jobId);
    return job ? await job.getState() : 'missing';
  };

  beforeAll(async () => {
    await admin(`create schema ${target.schema}`);
    await syncSchema(db, [JobRun, CallbackRun, OutboxEntry]);
    backend = createBullmqBackend({ url: REDIS_URL, prefix: target.prefix });
    runtime = new JobRuntime({
      kernel: new Kernel({ db, cursorSecret: 'worker-process-cursor-secret' }),
      backend,
      jobs: [Work],
      callbacks: [WorkCallbacks],
      groupCallbacks: [WorkGroupDone],
      relay: { pollMs: 100 },
    });
    runtime.start();
    redis = new Redis(REDIS_URL);
    queue = new Queue('work', { connection: redis, prefix: target.prefix });
  });

  afterAll(async () => {
    for (const c of children) c.kill();
    await Promise.all(children.map((c) => c.exited));
    await queue?.close();
    await runtime?.close();
    await backend?.close();
    const keys = await redis.keys(`${target.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await db.close();
    await admin(`drop schema if exists ${target.schema} cascade`);
  });

  it('SIGKILL mid-job: another worker completes the job, and its callback runs once', async () => {
    const key = keyOf('killed');
    const first = worker('block');
    await first.line('ready');
    const { jobId } = await runtime.dispatch(Work, { payload: { key }, callbacks: WorkCallbacks });
    await first.line(`started ${key}`);
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await stateOf(jobId)).toBe('active'); // the dead worker's job, until its lock expires

    const second = worker('normal');
    await second.line('ready');
    const [row] = await callbacksOf(db, key, 1, 15_000);
    expect(row).toMatchObject({
      kind: 'success',
      jobId,
      detail: { key, pid: second.pid, callbackPid: second.pid },
    });
    await until('the job and its callback completed', async () =>
      (await stateOf(jobId)) === 'completed' && (await stateOf(`${jobId}-success`)) === 'completed'
        ? true
        : undefined,
    );
    // The killed attempt's transaction died with its process: one committed run, by the second worker.
    expect(await jobRuns(db, key)).toEqual([String(second.pid)]);
    expect(await callbackRows(db, key)).toHaveLength(1);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGKILL mid-member of a group: the member is handed on, and onComplete runs once, after both', async () => {
    const key = keyOf('group-killed');
    const [a, b] = [`${key}-a`, `${key}-b`];
    const first = worker('block');
    await first.line('ready');
    const group = await runtime.dispatchGroup(
      [
        [Work, { payload: { key: a } }],
        [Work, { payload: { key: b } }],
      ],
      { onComplete: WorkGroupDone, payload: { key } },
    );
    // Concurrency 1: the blocked worker holds one member (either) and leaves the other waiting.
    await until('a member started', async () =>
      first.output().includes(`started ${key}-`) ? true : undefined,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await stateOf(group.groupId)).toBe('waiting-children');

    const second = worker('normal');
    await second.line('ready');
    const [row] = await callbacksOf(db, key, 1, 20_000);
    expect(row).toMatchObject({ kind: 'group', jobId: group.groupId });
    const [m0, m1] = group.members;
    expect(row?.detail).toEqual({
      allCompleted: true,
      callbackPid: second.pid,
      members: [
        { jobId: m0.jobId, name: 'Work', state: 'completed', result: { key: a, pid: second.pid } },
        { jobId: m1.jobId, name: 'Work', state: 'completed', result: { key: b, pid: second.pid } },
      ],
    });
    const done = await group.wait({ timeoutMs: 20_000 });
    expect(done.onComplete).toMatchObject({ state: 'completed', attempts: 1 });
    // The killed attempt's transaction died with its process: one committed run of each member.
    expect(await jobRuns(db, a)).toEqual([String(second.pid)]);
    expect(await jobRuns(db, b)).toEqual([String(second.pid)]);
    expect(await callbackRows(db, key)).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('SIGTERM mid-job: the worker finishes the running job, takes no other, and exits 0', async () => {
    const key = keyOf('graceful');
    const later = keyOf('later');
    const stopping = worker('slow');
    await stopping.line('ready');
    const { jobId } = await runtime.dispatch(Work, { payload: { key }, callbacks: WorkCallbacks });
    await stopping.line(`started ${key}`);
    stopping.child.kill('SIGTERM');
    await stopping.line('stopping');
    const next = await runtime.dispatch(Work, { payload: { key: later }, callbacks: WorkCallbacks });
    expect(await stopping.exited).toEqual({ code: 0, signal: null });
    expect(stopping.output()).toMatch(/stopping\n(.|\n)*stopped\n$/);
    // The job it was running committed and was acknowledged before the process left.
    expect(await jobRuns(db, key)).toEqual([String(stopping.pid)]);
    expect(await stateOf(jobId)).toBe('completed');
    expect(await jobRuns(db, later)).toEqual([]);

    const successor = worker('normal');
    await successor.line('ready');
    expect((await callbacksOf(db, later, 1, 15_000))[0]).toMatchObject({
      jobId: next.jobId,
      detail: { pid: successor.pid },
    });
    expect((await callbacksOf(db, key, 1, 15_000))[0]).toMatchObject({
      jobId,
      detail: { pid: stopping.pid },
    });
    await until('the callback completed', async () =>
      (await stateOf(`${jobId}-success`)) === 'completed' ? true : undefined,
    );
    // Nothing ran twice: the finished job was not handed on.
    expect(await jobRuns(db, key)).toEqual([String(stopping.pid)]);
    expect(await callbackRows(db, key)).toHaveLength(1);
    successor.child.kill('SIGTERM');
    expect(await successor.exited).toEqual({ code: 0, signal: null });
  });
});
