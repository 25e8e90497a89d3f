import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessBackend } from '../../src/job/backends/index.ts';
import { job } from '../../src/job/job.ts';
import { JobRuntime } from '../../src/job/job-runtime.ts';
import { OutboxEntry } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import {
  type CallContext,
  column,
  createRestServer,
  currentCallContext,
  Kernel,
  model,
  type RestServer,
  restInterface,
  route,
  syncSchema,
  t,
  useCase,
} from '../support/internals.ts';

// The request's trace id reaches the use case (`ctx.traceId`), its nested invokes (`ctx.app`), the jobs it
// dispatches (`ctx.jobs`, read-only or in a transaction) and the call observers, whether or not the
// server also enters it as the ambient context (`ambientContext`), which only `currentCallContext()` sees.

const Item = model('ctx_items', { id: column.int().primaryKey().autoIncrement(), name: column.string(40) });

/** Trace ids seen by jobs, by the tag their dispatcher gave them. */
const seenByJobs = new Map<string, string | undefined>();
const RecordTrace = job({
  name: 'RecordTrace',
  queue: 'ctx-tests',
  params: { tag: t.String() },
  execute: ({ params, traceId }) => {
    seenByJobs.set(params.tag, traceId);
    return true;
  },
});

const Nested = useCase(null, {
  name: 'NestedTrace',
  readOnly: true,
  execute: ({ traceId }) => traceId ?? null,
});
const WhoAmI = useCase(null, {
  name: 'WhoAmI',
  readOnly: true,
  execute: async ({ traceId, app }) => ({
    traceId: traceId ?? null,
    nested: await app.invoke(Nested, {}),
    ambient: currentCallContext()?.traceId ?? null,
  }),
});
const DispatchRead = useCase(null, {
  name: 'DispatchRead',
  readOnly: true,
  params: { tag: t.String() },
  execute: ({ params, jobs }) => jobs.dispatch(RecordTrace, { params: { tag: params.tag } }),
});
const DispatchWrite = useCase(Item, {
  name: 'DispatchWrite',
  params: { tag: t.String() },
  execute: async ({ params, jobs, repo }) => {
    await repo.create({ name: params.tag });
    return jobs.dispatch(RecordTrace, { params: { tag: params.tag } });
  },
});

const api = restInterface(null, {
  prefix: '/ctx',
  routes: [
    route.get('/whoami', WhoAmI),
    route.get('/dispatch/{tag}', DispatchRead),
    route.post('/dispatch/{tag}', DispatchWrite, { status: 202 }),
  ],
});

const waitFor = async (tag: string) => {
  for (let i = 0; i < 250 && !seenByJobs.has(tag); i++) await new Promise((r) => setTimeout(r, 20));
  return seenByJobs.get(tag);
};

describe.each(DIALECTS.flatMap((d) => [false, true].map((ambient) => [d, ambient] as const)))(
  'the call context over HTTP on %s (ambientContext %s)',
  (dialect, ambient) => {
    let db: Awaited<ReturnType<typeof openTestDatabase>>;
    let runtime: JobRuntime;
    let app: RestServer;
    let base: string;
    const observed: (CallContext | undefined)[] = [];
    beforeAll(async () => {
      db = await openTestDatabase(dialect);
      await syncSchema(db, [Item, OutboxEntry]);
      const kernel = new Kernel({ db, cursorSecret: 'call-context-secret' });
      kernel.observeCalls((plan, _outcome, _ms, _error, context) => {
        if (plan.name === 'WhoAmI') observed.push(context);
      });
      runtime = new JobRuntime({ kernel, backend: createInProcessBackend(), jobs: [RecordTrace] });
      runtime.start();
      runtime.consume({ concurrency: 4 });
      app = createRestServer({ kernel, interfaces: [api], ambientContext: ambient });
      await app.listen({ port: 0, host: '127.0.0.1' });
      base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await app.close();
      await runtime.close();
      await runtime.backend.close();
      await db.dispose();
    });

    const send = (method: string, path: string, traceId: string) =>
      fetch(`${base}${path}`, { method, headers: { 'x-request-id': traceId } });

    it('gives the use case, its nested invokes and the call observers the request trace id', async () => {
      const res = await send('GET', '/ctx/whoami', `who-${dialect}-${ambient}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      const id = `who-${dialect}-${ambient}`;
      expect(body).toEqual({ traceId: id, nested: id, ambient: ambient ? id : null });
      expect(observed.at(-1)).toEqual({ traceId: id });
    });

    it('keeps concurrent requests apart', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `many-${i}-${dialect}-${ambient}`);
      const bodies = await Promise.all(
        ids.map(async (id) => (await (await send('GET', '/ctx/whoami', id)).json()) as { traceId: string }),
      );
      expect(bodies.map((b) => b.traceId)).toEqual(ids);
    });

    it('carries the trace id into jobs dispatched by read-only and transactional use cases', async () => {
      const read = `read-${dialect}-${ambient}`;
      const write = `write-${dialect}-${ambient}`;
      expect((await send('GET', `/ctx/dispatch/${read}`, `trace-${read}`)).status).toBe(200);
      expect((await send('POST', `/ctx/dispatch/${write}`, `trace-${write}`)).status).toBe(202);
      expect(await waitFor(read)).toBe(`trace-${read}`);
      expect(await waitFor(write)).toBe(`trace-${write}`);
    });
  },
);
