import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, eventually, type RunningStore, send, startStore } from './store-app.ts';

type Line = Record<string, unknown>;
const DEBUG = 20;
const INFO = 30;

describe('logs of a store app (createApp, SQLite, logStatements on)', () => {
  const { logger, lines } = captureLogger('debug');
  let store: RunningStore;
  let createTrace: string;
  let dispatchTrace: string;

  const withMsg = (msg: string) => lines.filter((l) => l.msg === msg);

  beforeAll(async () => {
    store = await startStore({ logger, extraYaml: '  logStatements: true\n' });
    const created = await send(store.base, 'POST', '/products', {
      sku: 'L-1',
      name: 'Logged',
      category: 'tools',
      priceCents: 100,
      stock: 0,
    });
    createTrace = created.headers.get('x-request-id')!;
    const id = (created.body as { id: number }).id;
    await send(store.base, 'GET', '/products/424242');
    const dispatched = await send(
      store.base,
      'POST',
      `/products/${id}/jobs/restock-email`,
      { recipientEmail: 'a@b.co' },
      {
        'x-request-id': 'dispatch-trace-1',
      },
    );
    dispatchTrace = dispatched.headers.get('x-request-id')!;
    await eventually(() => withMsg('job').length >= 2);
  });
  afterAll(() => store?.close());

  it('logs one info line per request: trace id, name, status, outcome, duration', () => {
    const created = withMsg('request').find((l) => l.traceId === createTrace) as Line;
    expect(created).toMatchObject({
      level: INFO,
      request: 'POST /products',
      method: 'POST',
      route: '/products',
      status: 201,
      outcome: 'success',
    });
    expect(typeof created.durationMs).toBe('number');
    const missing = withMsg('request').find((l) => l.route === '/products/{id}') as Line;
    expect(missing).toMatchObject({ status: 404, outcome: 'client_error', level: INFO });
    // Fastify's own two lines per request are replaced by this one.
    expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
  });

  it('logs each use case at debug: trace id, name, outcome, duration', () => {
    const useCases = withMsg('use case');
    expect(useCases.find((l) => l.traceId === createTrace)).toMatchObject({
      level: DEBUG,
      useCase: 'createProduct',
      outcome: 'success',
    });
    expect(useCases.find((l) => l.useCase === 'getProduct' && l.outcome === 'failure')).toBeDefined();
    expect(useCases.every((l) => typeof l.durationMs === 'number')).toBe(true);
  });

  it('logs each job attempt at info with the trace id of the request that dispatched it', () => {
    const jobs = withMsg('job');
    const job = jobs.find((l) => l.job === 'SendRestockEmail') as Line;
    expect(job).toMatchObject({
      level: INFO,
      traceId: dispatchTrace,
      queue: 'notifications',
      attempt: 1,
      outcome: 'succeeded',
    });
    expect(typeof job.durationMs).toBe('number');
    expect(jobs.find((l) => l.job === 'RestockEmailCallbacks.onSuccess')).toMatchObject({
      traceId: dispatchTrace,
      outcome: 'succeeded',
    });
    // The job's own use case carries the dispatching request's trace id too.
    expect(withMsg('use case').find((l) => l.useCase === 'SendRestockEmail')).toMatchObject({
      traceId: dispatchTrace,
    });
  });

  it('logs SQL statements at debug with the trace id of their call', () => {
    const sql = withMsg('sql');
    const insert = sql.find(
      (l) => l.traceId === createTrace && /insert into "products"/i.test(String(l.sql)),
    ) as Line;
    expect(insert).toMatchObject({ level: DEBUG });
    expect(typeof insert.durationMs).toBe('number');
  });
});

describe('logStatements off (the default)', () => {
  it('logs no SQL', async () => {
    const { logger, lines } = captureLogger('debug');
    const store = await startStore({ logger });
    try {
      await send(store.base, 'GET', '/users');
      expect(lines.some((l) => l.msg === 'request')).toBe(true);
      expect(lines.filter((l) => l.msg === 'sql')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('logger.requestLogging: false', () => {
  it('writes no request lines, while the request histogram still counts every request', async () => {
    const { logger, lines } = captureLogger('debug');
    const store = await startStore({ logger, extraYaml: 'logger:\n  requestLogging: false\n' });
    try {
      await send(store.base, 'GET', '/users');
      await send(store.base, 'GET', '/products/424242');
      expect(lines.filter((l) => l.msg === 'request')).toEqual([]);
      expect(lines.filter((l) => l.msg === 'incoming request' || l.msg === 'request completed')).toEqual([]);
      const metrics = await (await fetch(`${store.base}/metrics`)).text();
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/users",status="200"\} 1/,
      );
      expect(metrics).toMatch(
        /http_request_duration_seconds_count\{[^}]*route="\/products\/\{id\}",status="404"\} 1/,
      );
    } finally {
      await store.close();
    }
  });
});
