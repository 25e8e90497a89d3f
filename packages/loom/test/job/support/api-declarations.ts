import { randomUUID } from 'node:crypto';
import type { Database } from '../../../src/db/database.ts';
import type { Consumer, JobMessage, QueueBackend } from '../../../src/job/backends/index.ts';
import { callbacks } from '../../../src/job/callbacks.ts';
import { groupCallback } from '../../../src/job/group-callback.ts';
import { job } from '../../../src/job/job.ts';
import { type JobEvent, JobRuntime } from '../../../src/job/job-runtime.ts';
import { jobStatus, jobStatusSchema } from '../../../src/job/job-status.ts';
import {
  column,
  command,
  Kernel,
  model,
  restInterface,
  route,
  t,
  useCase,
  withDefault,
} from '../../support/internals.ts';

/**
 * The application of the job API suite (dispatch options, per-dispatch callbacks, status and wait):
 * `Echo` records each committed run and fails its first `failures` attempts; `Later` has a default
 * delay, `Slow` a default timeout; `Urgent` only puts a second queue in the app. Every test uses its own
 * `key`.
 */
export const EchoRun = model('job_api_runs', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80).index(),
  attempt: column.int(),
});

export const EchoCallbackRun = model('job_api_callbacks', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80).index(),
  outcome: column.string(40),
  jobId: column.string(120),
  detail: column.text(),
});

export const API_MODELS = [EchoRun, EchoCallbackRun] as const;

/** Attempts per key in this process, committed or not. */
export const attemptsOf = new Map<string, number>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const Echo = job({
  name: 'Echo',
  queue: 'api',
  retries: 2,
  backoffMs: 5,
  input: command(
    {
      key: t.String({ minLength: 1, maxLength: 80 }),
      failures: withDefault(t.Integer({ minimum: 0 }), 0),
    },
    { name: 'EchoInput' },
  ),
  execute: async ({ input, repos }) => {
    const attempt = (attemptsOf.get(input.key) ?? 0) + 1;
    attemptsOf.set(input.key, attempt);
    await repos(EchoRun).create({ key: input.key, attempt });
    if (attempt <= input.failures) throw new Error(`refused ${input.key} on attempt ${attempt}`);
    return { key: input.key, attempt };
  },
});

/** Declared with a default delay of a minute: a dispatch that sets none waits. */
export const Later = job({
  name: 'Later',
  queue: 'api',
  delayMs: 60_000,
  input: command({ key: t.String() }, { name: 'LaterInput' }),
  execute: ({ input }) => `ran ${input.key}`,
});

/** Declared with a 50 ms timeout per attempt; sleeps `sleepMs`. */
export const Slow = job({
  name: 'Slow',
  queue: 'api',
  timeoutMs: 50,
  input: command({ key: t.String(), sleepMs: t.Integer({ minimum: 0 }) }, { name: 'SlowInput' }),
  execute: async ({ input }) => {
    await sleep(input.sleepMs);
    return input.sleepMs;
  },
});

/** Only here so the app has a second queue (`api-urgent`) a dispatch may choose. */
export const Urgent = job({ name: 'Urgent', queue: 'api-urgent', execute: () => 'urgent' });

const keyOf = (payload: unknown): string => String((payload as { key?: unknown }).key);

/** Both handlers: rows `both-success` / `both-failure`. */
export const EchoBoth = callbacks(Echo, {
  name: 'EchoBoth',
  onSuccess: async ({ jobId, result, context, repos }) => {
    const detail = JSON.stringify(result);
    await repos(EchoCallbackRun).create({
      key: keyOf(context.payload),
      outcome: 'both-success',
      jobId,
      detail,
    });
  },
  onFailure: async ({ jobId, attempts, context, repos }) => {
    const detail = JSON.stringify({ attempts });
    await repos(EchoCallbackRun).create({
      key: keyOf(context.payload),
      outcome: 'both-failure',
      jobId,
      detail,
    });
  },
});

/** Only `onSuccess`: row `notify`. */
export const EchoNotify = callbacks(Echo, {
  name: 'EchoNotify',
  onSuccess: async ({ jobId, result, context, repos }) => {
    const detail = JSON.stringify(result);
    await repos(EchoCallbackRun).create({ key: keyOf(context.payload), outcome: 'notify', jobId, detail });
  },
});

/** Only `onFailure`: row `alert`. */
export const EchoAlert = callbacks(Echo, {
  name: 'EchoAlert',
  onFailure: async ({ jobId, error, attempts, context, repos }) => {
    const detail = JSON.stringify({ error, attempts });
    await repos(EchoCallbackRun).create({ key: keyOf(context.payload), outcome: 'alert', jobId, detail });
  },
});

/** Attempts of `EchoGroupDone` per group key (its first `callbackFailures` attempts throw). */
export const groupCallbackAttempts = new Map<string, number>();

/**
 * A group's callback: one row `group` per run under the group's `key`, with what it was told (each
 * member's id, name, state and result or error, and `allCompleted`). Fails its first `callbackFailures`
 * attempts (their rows roll back).
 */
export const EchoGroupDone = groupCallback<{ key: string; callbackFailures?: number }>({
  name: 'EchoGroupDone',
  backoffMs: 5,
  onComplete: async ({ groupId, members, allCompleted, payload, repos }) => {
    const attempt = (groupCallbackAttempts.get(payload.key) ?? 0) + 1;
    groupCallbackAttempts.set(payload.key, attempt);
    const detail = JSON.stringify({ members, allCompleted });
    await repos(EchoCallbackRun).create({ key: payload.key, outcome: 'group', jobId: groupId, detail });
    if (attempt <= (payload.callbackFailures ?? 0)) throw new Error(`group callback refused on ${attempt}`);
  },
});

/** A use case that dispatches a group of two `Echo`s (keys `<key>-a`, `<key>-b`); `rollback` throws after. */
export const DispatchEchoGroup = useCase(null, {
  name: 'DispatchEchoGroup',
  dispatches: [Echo],
  input: command(
    { key: t.String(), rollback: withDefault(t.Boolean(), false) },
    { name: 'DispatchEchoGroupInput' },
  ),
  execute: async ({ input, jobs, repos }) => {
    await repos(EchoRun).create({ key: input.key, attempt: 0 });
    const group = await jobs.dispatchGroup(
      [
        [Echo, { payload: { key: `${input.key}-a` } }],
        [Echo, { payload: { key: `${input.key}-b` } }],
      ],
      { onComplete: EchoGroupDone, payload: { key: input.key } },
    );
    if (input.rollback) throw new Error('rolled back on purpose');
    return group;
  },
});

export const EchoStatus = jobStatus(Echo, { name: 'EchoStatus' });

export const EchoApi = restInterface(EchoRun, {
  prefix: '/echo',
  routes: [
    route.get('/jobs/{jobId}', EchoStatus, {
      response: jobStatusSchema({
        title: 'EchoStatus',
        result: t.Object({ key: t.String(), attempt: t.Integer() }),
      }),
    }),
  ],
});

export const API_JOBS = [Echo, Later, Slow, Urgent] as const;
export const API_CALLBACKS = [EchoBoth, EchoNotify, EchoAlert] as const;
export const API_GROUP_CALLBACKS = [EchoGroupDone] as const;

/** A backend that records every message it is asked to publish (accepted or not). */
export function recording(backend: QueueBackend): { backend: QueueBackend; published: JobMessage[] } {
  const published: JobMessage[] = [];
  return {
    published,
    backend: {
      kind: backend.kind,
      publish: (message) => {
        published.push(message);
        return backend.publish(message);
      },
      consume: (options) => backend.consume(options),
      stats: (queue) => backend.stats(queue),
      status: (id, queues) => backend.status(id, queues),
      health: () => backend.health(),
      close: () => backend.close(),
    },
  };
}

/** One process of the suite's app: kernel, job runtime (relay started, consuming every queue). */
export interface ApiHarness {
  readonly kernel: Kernel;
  readonly runtime: JobRuntime;
  readonly published: JobMessage[];
  readonly events: JobEvent[];
  close(): Promise<void>;
}

export function startApiHarness(db: Database, inner: QueueBackend, consume = true): ApiHarness {
  const kernel = new Kernel({ db, cursorSecret: 'job-api-suite-cursor-secret' });
  kernel.compile([EchoStatus, DispatchEchoGroup]);
  const { backend, published } = recording(inner);
  const runtime = new JobRuntime({
    kernel,
    backend,
    jobs: API_JOBS,
    callbacks: API_CALLBACKS,
    groupCallbacks: API_GROUP_CALLBACKS,
    relay: { pollMs: 100, maxRetryMs: 300 },
  });
  const events: JobEvent[] = [];
  runtime.onEvent((e) => void events.push(e));
  runtime.start();
  const consumer: Consumer | undefined = consume ? runtime.consume({ concurrency: 4 }) : undefined;
  return {
    kernel,
    runtime,
    published,
    events,
    async close() {
      await consumer?.close({ timeoutMs: 5_000 });
      await runtime.close();
      await backend.close();
    },
  };
}

/** A fresh key for one test. */
export const apiKey = (label: string): string => `${label}-${randomUUID().slice(0, 8)}`;

/** The committed callback rows of a key, oldest first. */
export async function callbackKinds(db: Database, key: string): Promise<{ kind: string; detail: unknown }[]> {
  const rows = await db.kysely
    .selectFrom('job_api_callbacks')
    .select(['outcome', 'detail'])
    .where('key', '=', key)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ kind: String(r.outcome), detail: JSON.parse(String(r.detail)) }));
}

/** The committed runs of a key (their attempt numbers). */
export async function runsOf(db: Database, key: string): Promise<number[]> {
  const rows = await db.kysely
    .selectFrom('job_api_runs')
    .select('attempt')
    .where('key', '=', key)
    .orderBy('id')
    .execute();
  return rows.map((r) => Number(r.attempt));
}
