import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL } from '../job/support/targets.ts';
import { captureLogger } from '../observability/store-app.ts';
import { startRedisProxy } from '../support/redis-prefix.ts';
import { bearer, call, JWT_SECRET, type RunningApp, startAuthApp, token } from './support.ts';

const JWT = { secret: JWT_SECRET, issuer: 'https://id.test', audience: 'authtest' };

describe('rate limits', () => {
  const prefix = `loomtest-rl-${randomBytes(4).toString('hex')}:`;
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('hold across two app instances sharing Redis: the third request is a 429 problem with Retry-After', async () => {
    const config = {
      app: {
        name: 'authtest',
        env: 'test',
        cursorSecret: 'auth-test-cursor-secret',
        rest: {
          rateLimit: { enabled: true, max: 2, windowMs: 60_000, redisUrl: REDIS_URL, keyPrefix: prefix },
        },
      },
    };
    const one = await startAuthApp('sqlite', config);
    const two = await startAuthApp('sqlite', config);
    try {
      expect((await call(one.base, 'GET', '/me/ping')).status).toBe(200);
      expect((await call(two.base, 'GET', '/me/ping')).status).toBe(200);
      const limited = await call(one.base, 'GET', '/me/ping');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'LOOM_RATE_LIMITED', status: 429 });
      expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(two.base, 'GET', '/me/ping')).status).toBe(429);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('fail open when Redis is cut: requests are served (never a 5xx) and the outage is logged', async () => {
    const proxy = await startRedisProxy();
    const log = captureLogger('warn');
    const running = await startAuthApp(
      'sqlite',
      {
        app: {
          name: 'authtest',
          env: 'test',
          cursorSecret: 'auth-test-cursor-secret',
          rest: {
            rateLimit: {
              enabled: true,
              max: 1,
              windowMs: 60_000,
              redisUrl: `redis://127.0.0.1:${proxy.port}`,
              keyPrefix: `${prefix}cut:`,
            },
          },
        },
      },
      { logger: log.logger },
    );
    try {
      expect((await call(running.base, 'GET', '/me/ping')).status).toBe(200);
      expect((await call(running.base, 'GET', '/me/ping')).status).toBe(429);
      await proxy.cut();
      // The client may need a request or two to notice the dead connection; from then on, every request
      // is let through. None is ever a 5xx.
      const statuses: number[] = [];
      while (statuses.filter((s) => s === 200).length < 3 && statuses.length < 50)
        statuses.push((await call(running.base, 'GET', '/me/ping')).status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.slice(-3)).toEqual([200, 200, 200]);
      expect(log.lines.some((l) => String(l.msg).startsWith('rate limit: Redis is unavailable'))).toBe(true);
      proxy.stall();
      await proxy.restore();
    } finally {
      await running.close();
      await proxy.close();
    }
  });

  it("a route's own limit applies to that route only (in-process counters without Redis)", async () => {
    const running = await startAuthApp('sqlite', {
      app: {
        name: 'authtest',
        env: 'test',
        cursorSecret: 'auth-test-cursor-secret',
        rest: { rateLimit: { enabled: true, max: 100, windowMs: 60_000 } },
      },
    });
    try {
      expect((await call(running.base, 'GET', '/me/limited')).status).toBe(200);
      const limited = await call(running.base, 'GET', '/me/limited');
      expect(limited.status).toBe(429);
      expect(limited.body).toMatchObject({ code: 'LOOM_RATE_LIMITED' });
      expect((await call(running.base, 'GET', '/me/ping')).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('a dead Redis port from the start: still served', async () => {
    const running = await startAuthApp('sqlite', {
      app: {
        name: 'authtest',
        env: 'test',
        cursorSecret: 'auth-test-cursor-secret',
        rest: { rateLimit: { enabled: true, max: 1, windowMs: 60_000, redisUrl: 'redis://127.0.0.1:1' } },
      },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await call(running.base, 'GET', '/me/ping')).status).toBe(200);
    } finally {
      await running.close();
    }
  });
});

describe('CORS and security headers', () => {
  let running: RunningApp;
  afterAll(() => running?.close());

  it('answers a preflight from an allowed origin, not from another; adds security headers', async () => {
    running = await startAuthApp('sqlite', {
      app: {
        name: 'authtest',
        env: 'test',
        cursorSecret: 'auth-test-cursor-secret',
        rest: {
          cors: { enabled: true, origins: ['https://app.example.com'] },
          securityHeaders: { enabled: true },
        },
      },
    });
    const preflight = await fetch(`${running.base}/me`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
    const foreign = await fetch(`${running.base}/me/ping`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const ping = await fetch(`${running.base}/me/ping`, { headers: { origin: 'https://app.example.com' } });
    expect(ping.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ping.headers.get('access-control-expose-headers')).toContain('x-request-id');
    expect(ping.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ping.headers.get('strict-transport-security')).toMatch(/max-age=/);
    // Swagger UI still loads under the CSP (its own, with hashes of its inline scripts).
    const docs = await fetch(`${running.base}/docs/static/index.html`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toBeTruthy();
  });
});

describe("the framework's own endpoints", () => {
  it('metrics, docs and the OpenAPI document behind guards: 401 anonymous, 403 without the role, 200 with it', async () => {
    const running = await startAuthApp('sqlite', {
      auth: {
        enabled: true,
        jwt: JWT,
        endpoints: { metrics: { roles: ['ops'] }, docs: {}, openapi: { roles: ['ops', 'dev'] } },
      },
    });
    try {
      for (const path of ['/metrics', '/docs', '/docs/json', '/openapi.json']) {
        const res = await call(running.base, 'GET', path);
        expect(res.status, path).toBe(401);
        expect(res.headers.get('www-authenticate'), path).toMatch(/^Bearer/);
      }
      const customer = bearer(await token('42', { roles: ['customer'] }));
      expect((await fetch(`${running.base}/metrics`, { headers: customer })).status).toBe(403);
      expect((await fetch(`${running.base}/openapi.json`, { headers: customer })).status).toBe(403);
      expect((await fetch(`${running.base}/docs/json`, { headers: customer })).status).toBe(200);
      const ops = bearer(await token('7', { roles: ['ops'] }));
      const metrics = await fetch(`${running.base}/metrics`, { headers: ops });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('http_request');
      expect((await fetch(`${running.base}/openapi.json`, { headers: ops })).status).toBe(200);
      // Routes that merely share a prefix are not guarded by it.
      expect((await call(running.base, 'GET', '/me/ping')).status).toBe(200);
    } finally {
      await running.close();
    }
  });

  it('can be switched off', async () => {
    const running = await startAuthApp('sqlite', {
      app: {
        name: 'authtest',
        env: 'test',
        cursorSecret: 'auth-test-cursor-secret',
        rest: { docsEnabled: false, openapiEnabled: false },
      },
      metrics: { enabled: false },
    });
    try {
      for (const path of ['/metrics', '/docs', '/openapi.json'])
        expect((await call(running.base, 'GET', path)).status, path).toBe(404);
    } finally {
      await running.close();
    }
  });
});

describe('the read cache on a dead Redis', () => {
  it('serves from the database (never a 5xx) and logs the outage', async () => {
    const log = captureLogger('warn');
    const running = await startAuthApp(
      'sqlite',
      {
        cache: {
          enabled: true,
          backend: 'redis',
          redisUrl: 'redis://127.0.0.1:1',
          keyPrefix: 'loomtest-dead:',
        },
      },
      { logger: log.logger },
    );
    try {
      const created = await call(running.base, 'POST', '/members', {}, { name: 'Ada' });
      expect(created.status).toBe(201);
      const read = await call(running.base, 'GET', `/members/${created.body.id}`);
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ name: 'Ada' });
      expect(log.lines.some((l) => String(l.msg).startsWith('cache: the store is unavailable'))).toBe(true);
    } finally {
      await running.close();
    }
  });
});
