import { callbacks } from '../../../src/job/callbacks.ts';
import { job } from '../../../src/job/job.ts';
import { column, command, loadById, model, t, useCase, withDefault } from '../../support/internals.ts';

/**
 * The application the job suite runs: a product, a job that "restocks" it (failing its first
 * `failures` attempts), callbacks that record what they were told, and the use cases that dispatch or
 * run the job. Every test uses its own `key`, so tests sharing a runtime never see each other's rows.
 */
export const Product = model('job_products', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80),
  stock: column.int(),
});

/** One row per committed run of a job: written in the job's transaction, so a failed attempt leaves none. */
export const JobRun = model('job_runs', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80).index(),
  job: column.string(80),
  detail: column.text().nullable(),
});

/** One row per committed callback. */
export const CallbackRun = model('job_callback_runs', {
  id: column.int().primaryKey().autoIncrement(),
  key: column.string(80).index(),
  outcome: column.string(20),
  jobId: column.string(120),
  detail: column.text(),
});

export const MODELS = [Product, JobRun, CallbackRun] as const;

/** In-memory counters of the test process (in-process consumers only). */
export const probe = {
  /** Attempts per key, committed or not. */
  attempts: new Map<string, number>(),
  /** How many more times the success callback of a key throws (after writing its row). */
  callbackFailures: new Map<string, number>(),
};

function bump(map: Map<string, number>, key: string): number {
  const n = (map.get(key) ?? 0) + 1;
  map.set(key, n);
  return n;
}

/** A domain error that does not set `name`: its type must still reach `onFailure`. */
export class RestockRefused extends Error {}

export const RestockInput = command(
  {
    key: t.String({ minLength: 1, maxLength: 80 }),
    /** Attempts that fail before one succeeds. */
    failures: withDefault(t.Integer({ minimum: 0 }), 0),
  },
  { name: 'RestockInput' },
);

export const Restock = job({
  name: 'Restock',
  queue: 'notifications',
  retries: 2,
  backoffMs: 5,
  params: { productId: t.Integer() },
  input: RestockInput,
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: async ({ input, load, repos }) => {
    const attempt = bump(probe.attempts, input.key);
    await repos(JobRun).create({ key: input.key, job: 'Restock', detail: String(attempt) });
    if (attempt <= input.failures) throw new RestockRefused(`refused ${input.key} on attempt ${attempt}`);
    return { key: input.key, outOfStock: load.product.stock === 0, attempt };
  },
});

const keyOf = (payload: unknown): string => String((payload as { key?: unknown }).key);

export const RestockCallbacks = callbacks(Restock, {
  name: 'RestockCallbacks',
  onSuccess: async ({ jobId, result, context, repos }) => {
    const key = keyOf(context.payload);
    await repos(CallbackRun).create({ key, outcome: 'success', jobId, detail: JSON.stringify(result) });
    const left = probe.callbackFailures.get(key) ?? 0;
    if (left > 0) {
      probe.callbackFailures.set(key, left - 1);
      throw new Error(`success callback of ${key} fails after its write`);
    }
  },
  onFailure: async ({ jobId, jobName, error, attempts, context, repos }) => {
    const key = keyOf(context.payload);
    const detail = JSON.stringify({ jobName, error, attempts, params: context.params });
    await repos(CallbackRun).create({ key, outcome: 'failure', jobId, detail });
  },
});

/** A job that writes nothing (so its success callback runs in its slot, right after it). */
export const Ping = job({
  name: 'Ping',
  queue: 'notifications',
  retries: 2,
  backoffMs: 5,
  input: command({ key: t.String() }, { name: 'PingInput' }),
  execute: ({ input }) => ({ key: input.key, attempt: bump(probe.attempts, input.key) }),
});

/** Records each committed success callback of `Ping`; throws after its write while `callbackFailures` says so. */
export const PingCallbacks = callbacks(Ping, {
  name: 'PingCallbacks',
  onSuccess: async ({ jobId, result, repos }) => {
    await repos(CallbackRun).create({
      key: result.key,
      outcome: 'success',
      jobId,
      detail: JSON.stringify(result),
    });
    const left = probe.callbackFailures.get(result.key) ?? 0;
    if (left > 0) {
      probe.callbackFailures.set(result.key, left - 1);
      throw new Error(`success callback of ${result.key} fails after its write`);
    }
  },
});

/**
 * Declared on queue `default` with no retries; the suite's runtime overrides both from config
 * (`jobs.overrides.Overridable: { queue: 'critical', retries: 3 }`). Always fails.
 */
export const Overridable = job({
  name: 'Overridable',
  queue: 'default',
  input: command({ key: t.String() }, { name: 'OverridableInput' }),
  execute: ({ input }) => {
    bump(probe.attempts, input.key);
    throw new RestockRefused(`overridable ${input.key} always fails`);
  },
});

export const OverridableCallbacks = callbacks(Overridable, {
  name: 'OverridableCallbacks',
  onFailure: async ({ jobId, error, attempts, context, repos }) => {
    const key = keyOf(context.payload);
    await repos(CallbackRun).create({
      key,
      outcome: 'failure',
      jobId,
      detail: JSON.stringify({ error, attempts }),
    });
  },
});

/** Dispatches `Restock` with its callbacks; `rollback` throws afterwards, rolling the dispatch back. */
export const DispatchRestock = useCase(Product, {
  name: 'DispatchRestock',
  params: { productId: t.Integer() },
  // Looser than the job's command (`failures` may be negative): the job's own validation is what rejects.
  input: command(
    {
      key: t.String(),
      failures: withDefault(t.Integer(), 0),
      rollback: withDefault(t.Boolean(), false),
    },
    { name: 'DispatchRestockRequest' },
  ),
  execute: async ({ params, input, jobs }) => {
    const receipt = await jobs.dispatch(Restock, {
      params,
      payload: { key: input.key, failures: input.failures },
      callbacks: RestockCallbacks,
    });
    if (input.rollback) throw new Error('rolled back on purpose');
    return receipt;
  },
});

/** A read-only use case (no transaction) that dispatches: the job must be published all the same. */
export const DispatchOnRead = useCase(Product, {
  name: 'DispatchOnRead',
  readOnly: true,
  params: { productId: t.Integer(), key: t.String() },
  execute: ({ params, jobs }) =>
    jobs.dispatch(Restock, {
      params: { productId: params.productId },
      payload: { key: params.key },
      callbacks: RestockCallbacks,
    }),
});

/** Runs `Restock` inline; `rollback` throws afterwards, so the job's write must roll back with it. */
export const RunRestockInline = useCase(Product, {
  name: 'RunRestockInline',
  params: { productId: t.Integer() },
  input: command(
    { key: t.String(), rollback: withDefault(t.Boolean(), false) },
    { name: 'RunRestockInlineRequest' },
  ),
  execute: async ({ params, input, jobs, db }) => {
    const result = await jobs.run(Restock, { params, payload: { key: input.key } });
    const inTransaction = db.inTransaction();
    if (input.rollback) throw new Error('rolled back after running the job inline');
    return { result, inTransaction };
  },
});

export const DispatchOverridable = useCase(Product, {
  name: 'DispatchOverridable',
  input: command({ key: t.String() }, { name: 'DispatchOverridableRequest' }),
  execute: ({ input, jobs }) =>
    jobs.dispatch(Overridable, { payload: { key: input.key }, callbacks: OverridableCallbacks }),
});

export const JOBS = [Restock, Overridable, Ping] as const;
export const CALLBACKS = [RestockCallbacks, OverridableCallbacks, PingCallbacks] as const;
export const USE_CASES = [DispatchRestock, DispatchOnRead, RunRestockInline, DispatchOverridable] as const;
