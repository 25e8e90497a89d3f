import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../job/support/targets.ts';
import { type RunningStore, send, startStore } from '../observability/store-app.ts';
import { JWT_SECRET, token } from './support.ts';

// The store with the BullMQ backend (keys under a prefix of this file's own), the dashboard on and
// guarded by auth.endpoints.jobs.
const prefix = `loomtest-authboard-${randomBytes(4).toString('hex')}`;

describe('the job dashboard behind an auth guard', () => {
  let store: RunningStore | undefined;
  afterAll(async () => {
    await store?.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('401 anonymous, 403 without the role, 200 with it', async () => {
    store = await startStore({
      extraYaml: [
        'jobs:',
        '  backend: bullmq',
        `  redisUrl: ${REDIS_URL}`,
        `  prefix: ${prefix}`,
        '  dashboard:',
        '    enabled: true',
        '    path: /jobs',
        'auth:',
        '  enabled: true',
        '  jwt:',
        `    secret: "${JWT_SECRET}"`,
        '    issuer: https://id.test',
        '    audience: authtest',
        '  endpoints:',
        '    jobs: { roles: [ops] }',
        '',
      ].join('\n'),
    });
    const anonymous = await send(store.base, 'GET', '/jobs/api/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const customer = await send(store.base, 'GET', '/jobs/api/queues', undefined, {
      authorization: `Bearer ${await token('42', { roles: ['customer'] })}`,
    });
    expect(customer.status).toBe(403);
    expect(customer.body).toMatchObject({ code: 'LOOM_FORBIDDEN' });
    const ops = await send(store.base, 'GET', '/jobs/api/queues', undefined, {
      authorization: `Bearer ${await token('7', { roles: ['ops'] })}`,
    });
    expect(ops.status).toBe(200);
    // The store's own routes are not guarded: auth on only adds identities to them.
    expect((await send(store.base, 'GET', '/products')).status).toBe(200);
  });
});
