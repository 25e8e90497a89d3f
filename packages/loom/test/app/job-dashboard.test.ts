import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../job/support/targets.ts';
import { type RunningStore, send, startStore } from '../observability/store-app.ts';

// The store with the BullMQ backend (keys under a prefix of this file's own) and the dashboard on.
const prefix = `loomtest-board-${randomBytes(4).toString('hex')}`;
const storeWith = (dashboard: string): Promise<RunningStore> =>
  startStore({
    extraYaml: `jobs:\n  backend: bullmq\n  redisUrl: ${REDIS_URL}\n  prefix: ${prefix}\n  dashboard:\n    enabled: true\n    path: /jobs\n${dashboard}`,
  });

describe('the job dashboard', () => {
  const stores: RunningStore[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('is read-only by default: reads work, every write is refused with 405 and the queue stays running', async () => {
    const store = await storeWith('');
    stores.push(store);
    expect((await send(store.base, 'GET', '/jobs/api/queues')).status).toBe(200);
    for (const [method, path] of [
      ['PUT', '/jobs/api/queues/notifications/pause'],
      ['PUT', '/jobs/api/queues/notifications/clean/completed'],
      ['PUT', '/jobs/api/queues/pause'],
      ['POST', '/jobs/api/queues/notifications/add'],
    ] as const) {
      const res = await send(store.base, method, path, method === 'POST' ? {} : undefined);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.body).toMatchObject({ code: 'LOOM_METHOD_NOT_ALLOWED', status: 405 });
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
    const queues = (await send(store.base, 'GET', '/jobs/api/queues')).body as {
      queues: { name: string; isPaused: boolean }[];
    };
    expect(queues.queues.find((q) => q.name === 'notifications')?.isPaused).toBe(false);
  });

  it('with a token: 401 without it or with a wrong one, 200 with Bearer or Basic; writable only when configured', async () => {
    const token = 'a-long-dashboard-token-for-tests';
    const store = await storeWith(`    token: ${token}\n    readOnly: false\n`);
    stores.push(store);
    const missing = await send(store.base, 'GET', '/jobs/api/queues');
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'LOOM_UNAUTHORIZED' });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(
      (await send(store.base, 'GET', '/jobs', undefined, { authorization: 'Bearer wrong' })).status,
    ).toBe(401);
    expect(
      (await send(store.base, 'GET', '/jobs/api/queues', undefined, { authorization: `Bearer ${token}` }))
        .status,
    ).toBe(200);
    const basic = `Basic ${Buffer.from(`ops:${token}`).toString('base64')}`;
    expect(
      (await send(store.base, 'GET', '/jobs/api/queues', undefined, { authorization: basic })).status,
    ).toBe(200);
    const pause = await send(store.base, 'PUT', '/jobs/api/queues/analytics/pause', undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(pause.status).toBe(200);
  });
});
