/**
 * The jobs bench's declarations, shared by the hand-assembled rows (loom-jobs.ts) and the app built by
 * `createApp` / `createWorker` from `app/jobs.yaml` (loom-app-jobs.ts, through `app/manifest.ts`).
 */
import { callbacks, job, t, useCase } from '../../packages/loom/test/support/internals.ts';

/** Who hears of each completed job (by its number); replaced per run. */
let onDone: (n: number) => void = () => {};

/** Routes the success callbacks of the next run to `handler` (a no-op after `reset()`). */
export const noopCompletions = {
  listen(handler: (n: number) => void): void {
    onDone = handler;
  },
  reset(): void {
    onDone = () => {};
  },
};

export const Noop = job({
  name: 'Noop',
  queue: 'bench',
  params: { n: t.Integer() },
  execute: ({ params }) => params.n,
});

export const NoopCallbacks = callbacks(Noop, {
  name: 'NoopCallbacks',
  onSuccess: ({ context }) => onDone(context.params.n),
});

/** What an HTTP handler would run: a use case (one transaction) that dispatches the job. */
export const DispatchNoop = useCase(null, {
  name: 'DispatchNoop',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Noop, { params, callbacks: NoopCallbacks }),
});

/** A use case that writes a row and dispatches: the message joins its transaction (outbox row). */
export const WriteAndDispatchNoop = useCase(null, {
  name: 'WriteAndDispatchNoop',
  params: { n: t.Integer() },
  execute: async ({ params, jobs, db }) => {
    await db.executor().insertInto('bench_touch').values({ n: params.n }).execute();
    return jobs.dispatch(Noop, { params, callbacks: NoopCallbacks });
  },
});

/** Dispatches without a callback: done is the job's own success. */
export const DispatchNoopBare = useCase(null, {
  name: 'DispatchNoopBare',
  params: { n: t.Integer() },
  execute: ({ params, jobs }) => jobs.dispatch(Noop, { params }),
});
