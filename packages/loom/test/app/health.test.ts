import { afterEach, describe, expect, it } from 'vitest';
import { captureLogger, type RunningStore, send, startStore } from '../observability/store-app.ts';

describe('health endpoints and start-up warnings (store on SQLite)', () => {
  let store: RunningStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('/health/live and /health/ready answer 200; readiness turns 503 "draining"; neither is in OpenAPI', async () => {
    store = await startStore();
    expect(await send(store.base, 'GET', '/health/live')).toMatchObject({
      status: 200,
      body: { status: 'live' },
    });
    expect(await send(store.base, 'GET', '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ready', checks: { database: { ok: true } } },
    });
    const openapi = (await send(store.base, 'GET', '/openapi.json')).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths).filter((p) => p.startsWith('/health'))).toEqual([]);
    store.app.startDraining();
    const draining = await send(store.base, 'GET', '/health/ready');
    expect(draining.status).toBe(503);
    expect(draining.headers.get('retry-after')).toBe('1');
    expect(draining.body).toMatchObject({ status: 'draining' });
    expect((await send(store.base, 'GET', '/health/live')).status).toBe(200);
  });

  it('takes its paths from config', async () => {
    store = await startStore({ extraYaml: 'health:\n  livePath: /livez\n  readyPath: /readyz\n' });
    expect((await send(store.base, 'GET', '/livez')).status).toBe(200);
    expect((await send(store.base, 'GET', '/readyz')).status).toBe(200);
    expect((await send(store.base, 'GET', '/health/ready')).status).toBe(404);
  });

  it('warns at start-up about a memory cache when jobs run in a separate worker (bullmq)', async () => {
    const { logger, lines } = captureLogger('info');
    store = await startStore({
      logger,
      extraYaml:
        'cache:\n  enabled: true\n  backend: memory\njobs:\n  backend: bullmq\n  redisUrl: redis://127.0.0.1:6379\n  prefix: loomtest-health-warn\n',
    });
    const warning = lines.find((l) => String(l.msg).startsWith('cache.backend is "memory"'));
    expect(warning?.level).toBe(40);
    expect(String(warning?.msg)).toMatch(/cache\.backend: redis/);
  });
});
