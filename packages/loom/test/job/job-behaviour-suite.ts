import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadRequest, ValidationError } from '../../src/errors/index.ts';
import { OutboxEntry, outboxBacklog } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import { createRestServer, type RestServer, restInterface, route, syncSchema } from '../support/internals.ts';
import {
  DispatchOnRead,
  DispatchOverridable,
  DispatchRestock,
  MODELS,
  Overridable,
  Ping,
  PingCallbacks,
  Product,
  probe,
  Restock,
  RestockCallbacks,
  RunRestockInline,
} from './support/declarations.ts';
import {
  callbackRows,
  callbacksOf,
  createProduct,
  type Harness,
  jobRuns,
  keyOf,
  outboxRowsOf,
  startHarness,
  until,
} from './support/harness.ts';
import type { BackendTarget } from './support/targets.ts';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

const ProductJobsApi = restInterface(Product, {
  prefix: '/job-products',
  routes: [
    route.post('/{productId}/restock', DispatchRestock, { status: 202 }),
    route.get('/{productId}/restock', DispatchOnRead),
  ],
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Opens a database of `dialect` with the suite's tables. */
async function openSuiteDatabase(dialect: (typeof DIALECTS)[number]): Promise<TestDatabase> {
  const db = await openTestDatabase(dialect);
  await syncSchema(db, [...MODELS, OutboxEntry]);
  return db;
}

/**
 * The behavioural suite of loom's job layer, run on one queue engine and both database dialects:
 * dispatch after commit through the outbox, callbacks as jobs of their own, retries, inline `run`,
 * validation at dispatch, config overrides, events and the outbox backlog, and a queue outage.
 */
export function describeJobBehaviour(target: BackendTarget): void {
  afterAll(() => target.cleanup());

  describe.each(DIALECTS)(`jobs on ${target.name} / %s`, (dialect) => {
    let db: TestDatabase;
    let h: Harness;
    let http: RestServer;
    beforeAll(async () => {
      db = await openSuiteDatabase(dialect);
      h = startHarness(db, target.create(dialect));
      http = createRestServer({ kernel: h.kernel, interfaces: [ProductJobsApi], docsPath: false });
      await http.ready();
    });
    afterAll(async () => {
      await http?.close();
      await h?.close();
      await db?.dispose();
    });

    const dispatched = () => h.events.filter((e) => e.type === 'dispatched' && e.name === 'Restock').length;

    it("dispatch → the job runs → onSuccess gets the job's result, and its write is visible afterwards", async () => {
      const key = keyOf('success');
      const product = await createProduct(h.kernel, key, 0);
      const receipt = await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key },
      });
      expect(receipt.queue).toBe('notifications');
      expect(receipt.jobId).toMatch(UUID);
      const [row] = await callbacksOf(db, key);
      expect(row).toEqual({
        kind: 'success',
        jobId: receipt.jobId,
        detail: { key, outOfStock: true, attempt: 1 },
      });
      // The job's own write committed once; the callback's row is read back from the database.
      expect(await jobRuns(db, key)).toEqual(['1']);
    });

    it('a failing job is retried N times, then onFailure runs once with the error type and message', async () => {
      const key = keyOf('failure');
      const product = await createProduct(h.kernel, key);
      const receipt = await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key, failures: 99 },
      });
      const [row] = await callbacksOf(db, key);
      expect(row).toEqual({
        kind: 'failure',
        jobId: receipt.jobId,
        detail: {
          jobName: 'Restock',
          error: { type: 'RestockRefused', message: `refused ${key} on attempt 3` },
          attempts: 3,
          params: { productId: product.id },
        },
      });
      expect(probe.attempts.get(key)).toBe(3); // 1 + retries: 2
      expect(await jobRuns(db, key)).toEqual([]); // every failed attempt rolled back its write
    });

    it('a job that fails, then succeeds on a retry, gets onSuccess once and no onFailure', async () => {
      const key = keyOf('retry-ok');
      const product = await createProduct(h.kernel, key, 5);
      await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key, failures: 1 },
      });
      const rows = await callbacksOf(db, key);
      expect(rows.map((r) => [r.kind, r.detail])).toEqual([
        ['success', { key, outOfStock: false, attempt: 2 }],
      ]);
      expect(await jobRuns(db, key)).toEqual(['2']);
    });

    it('a rolled-back dispatching use case publishes nothing and counts no dispatch', async () => {
      const key = keyOf('rollback');
      const product = await createProduct(h.kernel, key);
      const before = dispatched();
      await expect(
        h.kernel.invoke(DispatchRestock, {
          params: { productId: product.id },
          payload: { key, rollback: true },
        }),
      ).rejects.toThrow('rolled back on purpose');
      expect(await outboxRowsOf(db, key)).toBe(0);
      expect(dispatched()).toBe(before);
      // A dispatch after it runs to the end; the rolled-back one never ran.
      const sentinel = keyOf('after-rollback');
      await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key: sentinel },
      });
      await callbacksOf(db, sentinel);
      expect(probe.attempts.has(key)).toBe(false);
      expect(await callbackRows(db, key)).toEqual([]);
      expect(dispatched()).toBe(before + 1);
    });

    it('`run` returns the result inline and joins the current transaction', async () => {
      const key = keyOf('inline');
      const product = await createProduct(h.kernel, key, 0);
      const out = await h.kernel.invoke(RunRestockInline, {
        params: { productId: product.id },
        payload: { key },
      });
      expect(out).toEqual({ result: { key, outOfStock: true, attempt: 1 }, inTransaction: true });
      expect(await jobRuns(db, key)).toEqual(['1']);

      const rolledBack = keyOf('inline-rollback');
      await expect(
        h.kernel.invoke(RunRestockInline, {
          params: { productId: product.id },
          payload: { key: rolledBack, rollback: true },
        }),
      ).rejects.toThrow('rolled back after running the job inline');
      expect(probe.attempts.get(rolledBack)).toBe(1); // it ran …
      expect(await jobRuns(db, rolledBack)).toEqual([]); // … in the use case's transaction, rolled back with it
      // Inline runs dispatch nothing: no callbacks, no outbox rows.
      expect(await outboxRowsOf(db, key)).toBe(0);
      expect(await callbackRows(db, key)).toEqual([]);
      // A run outside any use case opens its own transaction and commits.
      const alone = keyOf('inline-alone');
      expect(
        await h.runtime.run(Restock, { params: { productId: product.id }, payload: { key: alone } }),
      ).toEqual({
        key: alone,
        outOfStock: true,
        attempt: 1,
      });
      expect(await jobRuns(db, alone)).toEqual(['1']);
    });

    it('the payload is validated at dispatch: a bad payload is a 422 there, nothing is enqueued', async () => {
      const key = keyOf('invalid');
      const product = await createProduct(h.kernel, key);
      const error = await h.kernel
        .invoke(DispatchRestock, { params: { productId: product.id }, payload: { key, failures: -1 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).status).toBe(422);
      await expect(
        h.runtime.dispatch(Restock, { params: { productId: product.id }, payload: { key: '' } }),
      ).rejects.toBeInstanceOf(ValidationError);
      await expect(
        // @ts-expect-error productId is required (plain JS gets a 400 at dispatch)
        h.runtime.dispatch(Restock, { params: {}, payload: { key } }),
      ).rejects.toBeInstanceOf(BadRequest);
      // Other mistakes the queue or the worker would only find later fail here too.
      await expect(
        h.runtime.dispatch(Restock, { params: { productId: product.id }, payload: { key }, priority: -1 }),
      ).rejects.toThrow(/priority must be an integer/);
      await expect(
        // @ts-expect-error callbacks declared for another job (plain JS gets the error at dispatch)
        h.runtime.dispatch(Overridable, { payload: { key }, callbacks: RestockCallbacks }),
      ).rejects.toThrow(/declared for job Restock, not Overridable/);
      // Over HTTP: a problem document with the job's violation, not a 202 and a failure in the worker.
      const res = await http.inject({
        method: 'POST',
        url: `/job-products/${product.id}/restock`,
        payload: { key, failures: -2 },
      });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await outboxRowsOf(db, key)).toBe(0);
      expect(probe.attempts.has(key)).toBe(false);
    });

    it('a dispatch from a read-only use case, or from a GET route, is published too', async () => {
      const key = keyOf('read-only');
      const product = await createProduct(h.kernel, key, 0);
      const receipt = await h.kernel.invoke(DispatchOnRead, { params: { productId: product.id, key } });
      expect((await callbacksOf(db, key))[0]).toMatchObject({ kind: 'success', jobId: receipt.jobId });

      const viaGet = keyOf('get-route');
      const res = await http.inject({
        method: 'GET',
        url: `/job-products/${product.id}/restock?key=${viaGet}`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ jobId: string; queue: string }>();
      expect(body.queue).toBe('notifications');
      expect((await callbacksOf(db, viaGet))[0]).toMatchObject({ kind: 'success', jobId: body.jobId });
    });

    it('callbacks are jobs of their own, each in its own transaction: a failed attempt rolls back and is retried', async () => {
      const key = keyOf('callback-retry');
      const product = await createProduct(h.kernel, key);
      probe.callbackFailures.set(key, 1);
      await h.kernel.invoke(DispatchRestock, { params: { productId: product.id }, payload: { key } });
      await until('the failing callback attempt', async () =>
        probe.callbackFailures.get(key) === 0 ? true : undefined,
      );
      const rows = await callbacksOf(db, key);
      expect(rows.map((r) => r.kind)).toEqual(['success']); // the first attempt's row was rolled back
      expect(await jobRuns(db, key)).toEqual(['1']); // the job itself ran once
    });

    describe('the success callback of a job that wrote nothing', () => {
      /** Events of `PingCallbacks.onSuccess`, by type, once `settled` of them are in. */
      const callbackEvents = async (from: number, settled: number) =>
        until('the callback events', async () => {
          const c: Record<string, number> = {};
          for (const e of h.events.slice(from))
            if (e.name === 'PingCallbacks.onSuccess') c[e.type] = (c[e.type] ?? 0) + 1;
          return (c.succeeded ?? 0) + (c.failed ?? 0) + (c.retried ?? 0) >= settled ? c : undefined;
        });

      it("runs once, in the job's slot right after it: no queue job of its own", async () => {
        const key = keyOf('ping');
        const from = h.events.length;
        const receipt = await h.runtime.dispatch(Ping, { payload: { key }, callbacks: PingCallbacks });
        const [row] = await callbacksOf(db, key);
        expect(row).toEqual({ kind: 'success', jobId: receipt.jobId, detail: { key, attempt: 1 } });
        expect(await callbackEvents(from, 1)).toEqual({ started: 1, succeeded: 1 });
        expect((await receipt.wait({ timeoutMs: 10_000 })).state).toBe('completed');
        // Nothing was enqueued for it: the queue does not know the callback's id.
        expect(await h.runtime.status(`${receipt.jobId}-success`)).toBeUndefined();
        expect(probe.attempts.get(key)).toBe(1);
      });

      it('a failed first attempt is retried as a job of its own, with the attempts left', async () => {
        const key = keyOf('ping-retry');
        probe.callbackFailures.set(key, 1);
        const from = h.events.length;
        const receipt = await h.runtime.dispatch(Ping, { payload: { key }, callbacks: PingCallbacks });
        expect(await callbackEvents(from, 2)).toEqual({ started: 2, retried: 1, succeeded: 1 });
        // The first attempt's row rolled back with it; the job itself ran once.
        expect((await callbacksOf(db, key)).map((r) => r.kind)).toEqual(['success']);
        expect(probe.attempts.get(key)).toBe(1);
        const status = await until('the callback job', async () => {
          const s = await h.runtime.status(`${receipt.jobId}-success`);
          return s?.state === 'completed' ? s : undefined;
        });
        expect(status).toMatchObject({ name: 'PingCallbacks.onSuccess', attempts: 1 });
      });

      it('a callback that always fails runs as many times as the job may (1 + retries), then fails', async () => {
        const key = keyOf('ping-ko');
        probe.callbackFailures.set(key, 99);
        const from = h.events.length;
        const receipt = await h.runtime.dispatch(Ping, { payload: { key }, callbacks: PingCallbacks });
        expect(await callbackEvents(from, 3)).toEqual({ started: 3, retried: 2, failed: 1 });
        expect(probe.callbackFailures.get(key)).toBe(99 - 3);
        expect(await callbackRows(db, key)).toEqual([]);
        const status = await until('the failed callback job', async () => {
          const s = await h.runtime.status(`${receipt.jobId}-success`);
          return s?.state === 'failed' ? s : undefined;
        });
        expect(status).toMatchObject({ attempts: 2 }); // its two attempts as a job; the first ran inline
      });
    });

    it('per-job settings come from config overrides: queue and retries', async () => {
      expect(h.runtime.queues().sort()).toEqual(['critical', 'notifications']);
      const key = keyOf('override');
      const receipt = await h.kernel.invoke(DispatchOverridable, { payload: { key } });
      expect(receipt.queue).toBe('critical');
      const [row] = await callbacksOf(db, key);
      expect(row?.detail).toEqual({
        error: { type: 'RestockRefused', message: `overridable ${key} always fails` },
        attempts: 4, // retries: 3 from config (declared: 0)
      });
      expect(probe.attempts.get(key)).toBe(4);
      const started = h.events.filter((e) => e.type === 'started' && e.name === 'Overridable');
      expect(started.every((e) => e.queue === 'critical')).toBe(true);
    });

    it('emits dispatched, started, retried, succeeded and failed events; the backlog drains to 0', async () => {
      const from = h.events.length;
      const ok = keyOf('events-ok');
      const ko = keyOf('events-ko');
      const product = await createProduct(h.kernel, ok);
      await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key: ok, failures: 1 },
      });
      await callbacksOf(db, ok);
      await h.kernel.invoke(DispatchRestock, {
        params: { productId: product.id },
        payload: { key: ko, failures: 9 },
      });
      await callbacksOf(db, ko);
      const counts = () => {
        const c: Record<string, number> = {};
        for (const e of h.events.slice(from)) if (e.name === 'Restock') c[e.type] = (c[e.type] ?? 0) + 1;
        return c;
      };
      const expected = { dispatched: 2, started: 2 + 3, retried: 1 + 2, succeeded: 1, failed: 1 };
      await until('the events', async () =>
        JSON.stringify(counts()) === JSON.stringify(expected) ? true : undefined,
      );
      expect(counts()).toEqual(expected);
      await until('an empty outbox', async () => ((await outboxBacklog(db)) === 0 ? true : undefined));
      const text = await h.metrics.registry.metrics();
      expect(text).toMatch(/^loom_outbox_backlog 0$/m);
      expect(text).toMatch(/^loom_jobs_total\{job="Restock",queue="notifications",event="failed"\} [1-9]/m);
      expect(text).toMatch(/^loom_jobs_total\{job="Restock",queue="notifications",event="retried"\} [1-9]/m);
    });

    if (target.name === 'eager') {
      it('eager: the job and its callbacks have run when the dispatching transaction returns', async () => {
        const key = keyOf('eager');
        const failing = keyOf('eager-failing');
        const product = await createProduct(h.kernel, key);
        await h.kernel.invoke(DispatchRestock, { params: { productId: product.id }, payload: { key } });
        // No waiting: read right after the call returned.
        expect((await callbackRows(db, key)).map((r) => r.kind)).toEqual(['success']);
        await h.kernel.invoke(DispatchRestock, {
          params: { productId: product.id },
          payload: { key: failing, failures: 9 },
        });
        expect((await callbackRows(db, failing)).map((r) => r.kind)).toEqual(['failure']);
        const onRead = keyOf('eager-read');
        await h.kernel.invoke(DispatchOnRead, { params: { productId: product.id, key: onRead } });
        expect((await callbackRows(db, onRead)).map((r) => r.kind)).toEqual(['success']);
      });
    }

    const withOutage = target.withOutage;
    if (withOutage) {
      it('the queue goes down while use cases dispatch: commits go on, rows wait, each job then runs exactly once', async () => {
        // A database of its own: another relay on the same outbox would publish around the outage.
        const odb = await openSuiteDatabase(dialect);
        const outage = await withOutage(`${dialect}-outage`);
        const o = startHarness(odb, outage.backend);
        try {
          const product = await createProduct(o.kernel, 'outage', 0);
          const keys = Array.from({ length: 20 }, (_, i) => keyOf(`outage-${i}`));
          const dispatch = async (key: string): Promise<number> => {
            const t0 = performance.now();
            await o.kernel.invoke(DispatchRestock, { params: { productId: product.id }, payload: { key } });
            return performance.now() - t0;
          };
          const up = keys.slice(0, 6);
          const down = keys.slice(6);
          for (const key of up) await dispatch(key);
          await outage.cut();
          const durations: number[] = [];
          for (const key of down) durations.push(await dispatch(key));
          // The dispatching requests are not held up by the unreachable queue (a publish to it takes the
          // backend's 500 ms operation timeout to fail).
          expect(Math.max(...durations)).toBeLessThan(400);
          // The rows wait in the outbox (and the backlog gauge shows them); none of those jobs ran.
          await until('the backlog', async () =>
            (await outboxBacklog(odb)) >= down.length ? true : undefined,
          );
          const gauge = Number(/^loom_outbox_backlog (\d+)$/m.exec(await o.metrics.registry.metrics())?.[1]);
          expect(gauge).toBeGreaterThanOrEqual(down.length);
          for (const key of down) expect(probe.attempts.has(key)).toBe(false);

          await outage.restore();
          for (const key of keys) await callbacksOf(odb, key, 1, 15_000);
          await until(
            'an empty outbox',
            async () => ((await outboxBacklog(odb)) === 0 ? true : undefined),
            10_000,
          );
          for (const key of keys) {
            expect(probe.attempts.get(key)).toBe(1);
            expect(await jobRuns(odb, key)).toEqual(['1']);
            expect((await callbackRows(odb, key)).map((r) => r.kind)).toEqual(['success']);
          }
        } finally {
          await o.close();
          await outage.close();
          await odb.dispose();
        }
      });
    }

    it('no callback ran twice', async () => {
      const dupes = await db.kysely
        .selectFrom('job_callback_runs')
        .select(['key', 'outcome', sql<number>`count(*)`.as('n')])
        .groupBy(['key', 'outcome'])
        .having(sql`count(*)`, '>', 1)
        .execute();
      expect(dupes).toEqual([]);
    });
  });
}
