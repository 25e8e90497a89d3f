import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.ts';
import { createProduct, eventually, type RunningStore, send, startStore } from './store-app.ts';

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const body = line.slice(name.length + 1, line.lastIndexOf('}'));
    const found = Object.fromEntries([...body.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const want = Object.entries(labels);
    if (want.length === Object.keys(found).length && want.every(([k, v]) => found[k] === v)) {
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return undefined;
}

describe('/metrics of a listening store (createApp, SQLite)', () => {
  let store: RunningStore;
  let text: string;

  beforeAll(async () => {
    store = await startStore();
    const id = await createProduct(store.base, {
      sku: 'M-1',
      name: 'Metered',
      category: 'tools',
      priceCents: 100,
      stock: 0,
    });
    expect((await send(store.base, 'GET', `/products/${id}`)).status).toBe(200);
    expect((await send(store.base, 'GET', '/products/999999')).status).toBe(404);
    const dispatched = await send(store.base, 'POST', `/products/${id}/jobs/restock-email`, {
      recipientEmail: 'a@b.co',
    });
    expect(dispatched.status).toBe(202);
    // The in-process backend runs the job in the API process: wait for it to be counted.
    await eventually(async () => {
      const t = await (await fetch(`${store.base}/metrics`)).text();
      return (
        (sample(t, 'loom_jobs_total', {
          job: 'SendRestockEmail',
          queue: 'notifications',
          event: 'succeeded',
        }) ?? 0) >= 1
      );
    });
    const res = await fetch(`${store.base}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    text = await res.text();
  });
  afterAll(() => store?.close());

  it('times each request by method, route template and status', () => {
    const count = (method: string, route: string, status: string) =>
      sample(text, 'http_request_duration_seconds_count', { method, route, status });
    expect(count('POST', '/products', '201')).toBe(1);
    expect(count('GET', '/products/{id}', '200')).toBe(1);
    expect(count('GET', '/products/{id}', '404')).toBe(1);
    expect(count('POST', '/products/{productId}/jobs/restock-email', '202')).toBe(1);
  });

  it('times each use case by name, outcome and error kind', () => {
    const count = (useCase: string, outcome: string, errorKind = 'none') =>
      sample(text, 'loom_use_case_duration_seconds_count', {
        use_case: useCase,
        outcome,
        error_kind: errorKind,
      });
    expect(count('createProduct', 'success')).toBe(1);
    // The GET, plus the restock callback's own read of the product.
    expect(count('getProduct', 'success')).toBeGreaterThanOrEqual(1);
    // The 404: its error kind is the catalogue code.
    expect(count('getProduct', 'failure', 'LOOM_NOT_FOUND')).toBe(1);
    expect(count('getProduct', 'failure')).toBeUndefined();
    expect(count('DispatchRestockEmail', 'success')).toBe(1);
    // The job's own use case, run by the in-process worker.
    expect(count('SendRestockEmail', 'success')).toBe(1);
  });

  it('counts job events by job, queue and event, and times attempts', () => {
    const events = (event: string) =>
      sample(text, 'loom_jobs_total', { job: 'SendRestockEmail', queue: 'notifications', event });
    expect(events('dispatched')).toBe(1);
    expect(events('started')).toBe(1);
    expect(events('succeeded')).toBe(1);
    expect(
      sample(text, 'loom_job_duration_seconds_count', {
        job: 'SendRestockEmail',
        queue: 'notifications',
        outcome: 'succeeded',
      }),
    ).toBe(1);
  });

  it('reports the outbox backlog, the SQLite connection and the process defaults', () => {
    expect(text).toMatch(/^loom_outbox_backlog \d+$/m);
    expect(sample(text, 'loom_db_pool_connections', { state: 'total' })).toBe(1);
    expect(sample(text, 'loom_db_pool_connections', { state: 'waiting' })).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });
});

describe('database pool gauge', () => {
  it('reads total, idle and waiting connections from the pool at scrape time', async () => {
    let stats = { total: 4, idle: 1, waiting: 2 };
    const metrics = createMetrics({ dbPool: () => stats });
    let text = await metrics.registry.metrics();
    expect(sample(text, 'loom_db_pool_connections', { state: 'total' })).toBe(4);
    expect(sample(text, 'loom_db_pool_connections', { state: 'idle' })).toBe(1);
    expect(sample(text, 'loom_db_pool_connections', { state: 'waiting' })).toBe(2);
    stats = { total: 5, idle: 5, waiting: 0 };
    text = await metrics.registry.metrics();
    expect(sample(text, 'loom_db_pool_connections', { state: 'idle' })).toBe(5);
  });
});
