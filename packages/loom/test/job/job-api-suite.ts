import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeclarationError } from '../../src/errors/index.ts';
import { JobWaitTimeout } from '../../src/job/job-receipt.ts';
import { OutboxEntry } from '../../src/job/outbox.ts';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import {
  buildOpenApiDocument,
  compileRoutes,
  createRestServer,
  type RestServer,
  syncSchema,
} from '../support/internals.ts';
import {
  API_MODELS,
  type ApiHarness,
  apiKey,
  attemptsOf,
  callbackKinds,
  Echo,
  EchoAlert,
  EchoApi,
  EchoBoth,
  EchoNotify,
  Later,
  runsOf,
  Slow,
  startApiHarness,
  Urgent,
} from './support/api-declarations.ts';
import { until } from './support/harness.ts';
import type { BackendTarget } from './support/targets.ts';

type TestDatabase = Awaited<ReturnType<typeof openTestDatabase>>;

/** Waits until `key` has `count` callback rows; returns them all. */
async function callbacksOf(db: TestDatabase, key: string, count = 1) {
  return until(`${count} callback row(s) of ${key}`, async () => {
    const rows = await callbackKinds(db, key);
    return rows.length >= count ? rows : undefined;
  });
}

/**
 * The job API on one queue engine and both dialects: dispatch options (queue, at, delayMs, priority,
 * attempts, timeoutMs, idempotency key) and per-job defaults, `onSuccess`/`onFailure` chosen per
 * dispatch, `receipt.wait()`, `jobs.status()` and the declared status route.
 */
export function describeJobApi(target: BackendTarget): void {
  afterAll(() => target.cleanup());

  describe.each(DIALECTS)(`job API on ${target.name} / %s`, (dialect) => {
    let db: TestDatabase;
    let h: ApiHarness;
    let http: RestServer;
    beforeAll(async () => {
      db = await openTestDatabase(dialect);
      await syncSchema(db, [...API_MODELS, OutboxEntry]);
      h = startApiHarness(db, target.create(`api-${dialect}`));
      http = createRestServer({ kernel: h.kernel, interfaces: [EchoApi], docsPath: false });
      await http.ready();
    });
    afterAll(async () => {
      await http?.close();
      await h?.close();
      await db?.dispose();
    });

    const publishedOf = (jobId: string) => h.published.filter((m) => m.id === jobId);

    it('dispatch options reach the queue: queue, priority, attempts, timeoutMs, delayMs', async () => {
      const key = apiKey('options');
      const receipt = await h.runtime.dispatch(Echo, {
        payload: { key },
        queue: 'api-urgent',
        priority: 7,
        attempts: 1,
        timeoutMs: 5_000,
        delayMs: 10,
      });
      expect(receipt.queue).toBe('api-urgent');
      expect(publishedOf(receipt.jobId)[0]).toMatchObject({
        name: 'Echo',
        queue: 'api-urgent',
        priority: 7,
        attempts: 1,
        timeoutMs: 5_000,
        delayMs: 10,
      });
      const done = await receipt.wait({ timeoutMs: 10_000 });
      expect(done).toEqual({
        jobId: receipt.jobId,
        name: 'Echo',
        queue: 'api-urgent',
        state: 'completed',
        attempts: 1,
        result: { key, attempt: 1 },
      });
      expect(h.events).toContainEqual({ type: 'started', name: 'Echo', queue: 'api-urgent' });
      // Without options, the job's declared settings.
      const plain = await h.runtime.dispatch(Echo, { payload: { key: apiKey('plain') } });
      expect(plain.queue).toBe('api');
      const [message] = publishedOf(plain.jobId);
      expect(message?.attempts).toBe(3);
      expect(message).not.toHaveProperty('priority');
      expect(message).not.toHaveProperty('delayMs');
    });

    it('`at` holds the job until an instant, carried as an absolute time', async () => {
      const key = apiKey('at');
      const at = new Date(Date.now() + 30);
      const receipt = await h.runtime.dispatch(Echo, { payload: { key }, at });
      const [message] = publishedOf(receipt.jobId);
      expect(message?.runAt).toBe(at.getTime());
      expect(message).not.toHaveProperty('delayMs');
      expect((await receipt.wait({ timeoutMs: 10_000 })).state).toBe('completed');
    });

    it('rejects bad options at dispatch, where the caller sees them, and enqueues nothing', async () => {
      const key = apiKey('bad-options');
      const before = h.published.length;
      const dispatch = (options: object) =>
        h.runtime.dispatchRaw(Echo, { payload: { key }, ...options } as Parameters<
          typeof h.runtime.dispatchRaw
        >[1]);
      await expect(dispatch({ queue: 'nobody-consumes-this' })).rejects.toThrow(
        /queue "nobody-consumes-this" is not a queue of any registered job/,
      );
      await expect(dispatch({ at: new Date(), delayMs: 5 })).rejects.toThrow(/either at or delayMs/);
      await expect(dispatch({ at: new Date('nonsense') })).rejects.toThrow(/at must be a valid Date/);
      await expect(dispatch({ attempts: 0 })).rejects.toThrow(/attempts must be an integer/);
      await expect(dispatch({ timeoutMs: 0 })).rejects.toThrow(/timeoutMs must be > 0/);
      await expect(dispatch({ delayMs: -1 })).rejects.toThrow(/delayMs must be/);
      await expect(dispatch({ idempotencyKey: '' })).rejects.toThrow(/idempotencyKey/);
      expect(h.published.length).toBe(before);
      expect(attemptsOf.has(key)).toBe(false);
    });

    it('per-job defaults: a declared delay holds the job, a declared timeout fails it; a dispatch overrides both', async () => {
      const held = await h.runtime.dispatch(Later, { payload: { key: apiKey('later') } });
      expect(publishedOf(held.jobId)[0]?.delayMs).toBe(60_000);
      if (target.name === 'eager') {
        // The eager backend runs everything at once, delays included.
        expect((await held.wait()).state).toBe('completed');
      } else {
        await until('the delayed state', async () =>
          (await h.runtime.status(held.jobId))?.state === 'delayed' ? true : undefined,
        );
        await expect(held.wait({ timeoutMs: 30 })).rejects.toBeInstanceOf(JobWaitTimeout);
      }
      const now = await h.runtime.dispatch(Later, { payload: { key: apiKey('now') }, delayMs: 0 });
      expect(await now.wait({ timeoutMs: 10_000 })).toMatchObject({
        state: 'completed',
        result: expect.stringMatching(/^ran now-/),
      });

      const timedOut = await h.runtime.dispatch(Slow, { payload: { key: apiKey('slow'), sleepMs: 1_000 } });
      const failed = await timedOut.wait({ timeoutMs: 10_000 });
      expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.state === 'failed' && failed.error.message).toMatch(/timed out after 50 ms/);
      const patient = await h.runtime.dispatch(Slow, {
        payload: { key: apiKey('patient'), sleepMs: 100 },
        timeoutMs: 10_000,
      });
      expect(await patient.wait({ timeoutMs: 10_000 })).toMatchObject({ state: 'completed', result: 100 });
    });

    it('`attempts` overrides the declared retries, both ways', async () => {
      const once = apiKey('attempts-once');
      const r1 = await h.runtime.dispatch(Echo, {
        payload: { key: once, failures: 99 },
        attempts: 1,
        callbacks: EchoBoth,
      });
      expect(await r1.wait({ timeoutMs: 10_000 })).toEqual({
        jobId: r1.jobId,
        name: 'Echo',
        queue: 'api',
        state: 'failed',
        attempts: 1,
        error: { message: `refused ${once} on attempt 1` },
      });
      expect(await callbacksOf(db, once)).toEqual([{ kind: 'both-failure', detail: { attempts: 1 } }]);
      const more = apiKey('attempts-more');
      const r2 = await h.runtime.dispatch(Echo, { payload: { key: more, failures: 3 }, attempts: 5 });
      expect(await r2.wait({ timeoutMs: 10_000 })).toMatchObject({
        state: 'completed',
        attempts: 4,
        result: { key: more, attempt: 4 },
      });
      expect(await runsOf(db, more)).toEqual([4]); // failed attempts rolled back their writes
    });

    it('an idempotency key makes a second dispatch the same job: one id, one run', async () => {
      const key = apiKey('idem');
      const idempotencyKey = `order-${key}`;
      const first = await h.runtime.dispatch(Echo, { payload: { key }, idempotencyKey });
      await first.wait({ timeoutMs: 10_000 });
      const again = await h.runtime.dispatch(Echo, { payload: { key }, idempotencyKey });
      expect(again.jobId).toBe(first.jobId);
      // Twice in one transaction: one job.
      const inTx = apiKey('idem-tx');
      const ids = await db.unitOfWork(async () => {
        const a = await h.runtime.dispatch(Echo, { payload: { key: inTx }, idempotencyKey: inTx });
        const b = await h.runtime.dispatch(Echo, { payload: { key: inTx }, idempotencyKey: inTx });
        return [a.jobId, b.jobId];
      });
      expect(ids[0]).toBe(ids[1]);
      const done = await until('the keyed job', async () => {
        const s = await h.runtime.status(ids[0] as string);
        return s?.state === 'completed' ? s : undefined;
      });
      expect(done.attempts).toBe(1);
      expect(await runsOf(db, inTx)).toEqual([1]); // one job, run once
      // The same key on another job, or another key, is another job.
      const other = await h.runtime.dispatch(Later, { payload: { key }, idempotencyKey, delayMs: 0 });
      const otherKey = await h.runtime.dispatch(Echo, {
        payload: { key },
        idempotencyKey: `${idempotencyKey}-2`,
      });
      expect(new Set([first.jobId, other.jobId, otherKey.jobId]).size).toBe(3);
      await otherKey.wait({ timeoutMs: 10_000 });
      expect(await runsOf(db, key)).toEqual([1, 2]); // the first dispatch and the other key; never the repeat
    });

    it('onSuccess and onFailure are chosen per dispatch, independently of each other', async () => {
      const options = { onSuccess: EchoNotify, onFailure: EchoAlert } as const;
      const ok = apiKey('pick-ok');
      const okReceipt = await h.runtime.dispatch(Echo, { payload: { key: ok }, ...options });
      expect(await callbacksOf(db, ok)).toEqual([{ kind: 'notify', detail: { key: ok, attempt: 1 } }]);
      expect(await h.runtime.status(`${okReceipt.jobId}-failure`)).toBeUndefined();

      const ko = apiKey('pick-ko');
      await h.runtime.dispatch(Echo, { payload: { key: ko, failures: 99 }, ...options });
      expect(await callbacksOf(db, ko)).toEqual([
        {
          kind: 'alert',
          detail: { error: { type: 'Error', message: `refused ${ko} on attempt 3` }, attempts: 3 },
        },
      ]);

      // A bundle with one handler replaced: the other comes from the bundle.
      const mixedKo = apiKey('mixed-ko');
      await h.runtime.dispatch(Echo, {
        payload: { key: mixedKo, failures: 99 },
        callbacks: EchoBoth,
        onFailure: EchoAlert,
      });
      expect((await callbacksOf(db, mixedKo)).map((r) => r.kind)).toEqual(['alert']);
      const mixedOk = apiKey('mixed-ok');
      await h.runtime.dispatch(Echo, {
        payload: { key: mixedOk },
        callbacks: EchoBoth,
        onFailure: EchoAlert,
      });
      expect((await callbacksOf(db, mixedOk)).map((r) => r.kind)).toEqual(['both-success']);

      // Only onFailure, and the job succeeds: no callback is scheduled at all.
      const quiet = await h.runtime.dispatch(Echo, {
        payload: { key: apiKey('quiet') },
        onFailure: EchoAlert,
      });
      await quiet.wait({ timeoutMs: 10_000 });
      expect(await h.runtime.status(`${quiet.jobId}-success`)).toBeUndefined();

      // A declaration without the handler it is given for is refused at dispatch (and does not compile).
      await expect(
        // @ts-expect-error EchoAlert declares no onSuccess
        h.runtime.dispatch(Echo, { payload: { key: apiKey('wrong') }, onSuccess: EchoAlert }),
      ).rejects.toBeInstanceOf(DeclarationError);
      await expect(
        // @ts-expect-error callbacks declared for another job
        h.runtime.dispatch(Urgent, { onFailure: EchoAlert }),
      ).rejects.toThrow(/declared for job Echo, not Urgent/);
    });

    it('status: what the queue knows, typed by the job when given; unknown ids are undefined', async () => {
      const key = apiKey('status');
      const receipt = await h.runtime.dispatch(Echo, { payload: { key } });
      expect(JSON.parse(JSON.stringify(receipt))).toEqual({ jobId: receipt.jobId, queue: 'api' });
      const done = await receipt.wait({ timeoutMs: 10_000 });
      expect(await h.runtime.status(receipt.jobId)).toEqual(done);
      const typed = await h.runtime.status(Echo, receipt.jobId);
      expect(typed?.state === 'completed' && typed.result.attempt).toBe(1);
      expect(await h.runtime.status(Later, receipt.jobId)).toBeUndefined(); // an id of another job
      expect(await h.runtime.status('no-such-job')).toBeUndefined();
      const failing = await h.runtime.dispatch(Echo, { payload: { key: apiKey('status-ko'), failures: 99 } });
      await failing.wait({ timeoutMs: 10_000 });
      expect(await h.runtime.status(failing.jobId)).toMatchObject({ state: 'failed', attempts: 3 });
    });

    it('wait() inside the transaction that dispatched the job is refused; after the commit it resolves', async () => {
      const key = apiKey('wait-tx');
      const receipt = await db.unitOfWork(async () => {
        const r = await h.runtime.dispatch(Echo, { payload: { key } });
        await expect(r.wait()).rejects.toThrow(/inside the transaction that dispatched it/);
        return r;
      });
      expect(await receipt.wait({ timeoutMs: 10_000 })).toMatchObject({ state: 'completed' });
      expect(await runsOf(db, key)).toEqual([1]);
    });

    it('the status route answers 200 with the status, 404 for an unknown id, and is in OpenAPI', async () => {
      const key = apiKey('route');
      const receipt = await h.runtime.dispatch(Echo, { payload: { key } });
      await receipt.wait({ timeoutMs: 10_000 });
      const res = await http.inject({ method: 'GET', url: `/echo/jobs/${receipt.jobId}` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        jobId: receipt.jobId,
        name: 'Echo',
        queue: 'api',
        state: 'completed',
        attempts: 1,
        result: { key, attempt: 1 },
      });
      const missing = await http.inject({ method: 'GET', url: '/echo/jobs/no-such-job' });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      const otherJob = await h.runtime.dispatch(Later, { payload: { key }, delayMs: 0 });
      expect((await http.inject({ method: 'GET', url: `/echo/jobs/${otherJob.jobId}` })).statusCode).toBe(
        404,
      );

      const doc = buildOpenApiDocument({ title: 't', version: '1' }, compileRoutes(h.kernel, [EchoApi]));
      const op = doc.paths['/echo/jobs/{jobId}']?.get as unknown as {
        responses: Record<string, { content: Record<string, { schema: unknown }> }>;
      };
      expect(op.responses['200']?.content['application/json']?.schema).toEqual({
        $ref: '#/components/schemas/EchoStatus',
      });
      const schema = (
        doc.components as unknown as { schemas: Record<string, { properties: Record<string, unknown> }> }
      ).schemas.EchoStatus;
      expect(Object.keys(schema?.properties ?? {})).toEqual([
        'jobId',
        'name',
        'queue',
        'state',
        'attempts',
        'result',
        'error',
      ]);
    });
  });
}
