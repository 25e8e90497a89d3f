import {
  job,
  loadById,
  restInterface,
  route,
  t,
  useCase,
} from '../../packages/loom/test/support/internals.ts';
import { BenchRecord } from './models.ts';

/** The job the dispatch route enqueues: it does nothing (the scenario prices the dispatch and relay). */
export const TouchRecord = job({
  name: 'TouchRecord',
  queue: 'bench',
  params: { recordId: t.Integer() },
  execute: () => true,
});

/**
 * `POST /bench/records/{id}/jobs/touch`: 404 for an unknown record, else the job written to the outbox
 * in the request's transaction and published after commit; 202 `{ jobId, queue }`.
 */
export const DispatchTouch = useCase(BenchRecord, {
  name: 'dispatchTouch',
  summary: 'Dispatch a job for a record',
  params: { id: t.Integer({ minimum: 1, maximum: 2147483647 }) },
  load: { record: loadById(BenchRecord, { by: 'id' }) },
  execute: ({ params, jobs }) => jobs.dispatch(TouchRecord, { params: { recordId: params.id } }),
});

/** The dispatch route (only in the createApp app: the bare kernel has no job runtime). */
export const JobsApi = restInterface(BenchRecord, {
  prefix: '/bench/records',
  tags: ['Jobs'],
  routes: [route.post('/{id}/jobs/touch', DispatchTouch, { status: 202 })],
});
