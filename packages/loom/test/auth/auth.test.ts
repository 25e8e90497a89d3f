import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/rest/auth/api-keys.ts';
import { captureLogger } from '../observability/store-app.ts';
import { DIALECTS } from '../support/dialects.ts';
import { bearer, call, JWT_SECRET, jobIdentities, type RunningApp, startAuthApp, token } from './support.ts';

const OLD_KEY = 'ci-key-2025-old-aaaaaaaaaaaa';
const NEW_KEY = 'ci-key-2026-new-bbbbbbbbbbbb';

const AUTH = {
  auth: {
    enabled: true,
    jwt: { secret: JWT_SECRET, issuer: 'https://id.test', audience: 'authtest', clockSkewSeconds: 5 },
    apiKeys: {
      keys: [
        { sha256: hashApiKey(OLD_KEY), subject: 'ci', roles: ['admin'] },
        { sha256: hashApiKey(NEW_KEY), subject: 'ci', roles: ['admin'] },
      ],
    },
  },
};

/** The problem body without what differs per request (trace id, the path itself). */
const comparable = (body: Record<string, unknown>) => {
  const { traceId: _t, instance: _i, ...rest } = body;
  return rest;
};

describe.each(DIALECTS)('authentication and guards through a real server (%s)', (dialect) => {
  let running: RunningApp;
  const log = captureLogger('debug');
  let memberA: number;
  let memberB: number;
  let noteOfB: number;

  beforeAll(async () => {
    running = await startAuthApp(dialect, AUTH, { logger: log.logger });
    const admin = bearer(await token('0', { roles: ['admin'] }));
    memberA = (await call(running.base, 'POST', '/members', admin, { name: 'A' })).body.id as number;
    memberB = (await call(running.base, 'POST', '/members', admin, { name: 'B' })).body.id as number;
    const repo = running.app.loom.kernel.services.repos((await import('./support.ts')).Note);
    noteOfB = (await repo.create({ memberId: memberB, text: 'b' })).id;
  });
  afterAll(() => running.close());

  it('requireAuth: 401 with WWW-Authenticate without credentials; 200 with a token, an identity in ctx and jobs', async () => {
    const anonymous = await call(running.base, 'POST', '/me');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'LOOM_UNAUTHORIZED', status: 401 });
    expect(anonymous.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer realm="authtest"/);

    jobIdentities.length = 0;
    const jwt = await token('42', { roles: ['customer'], scope: 'things:read' });
    const me = await call(running.base, 'POST', '/me', bearer(jwt));
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ subject: '42', roles: ['customer'] });
    // The job dispatched on the caller's behalf got the identity as data, never the token.
    expect(jobIdentities).toHaveLength(1);
    expect(jobIdentities[0]).toMatchObject({ subject: '42', roles: ['customer'], scopes: ['things:read'] });
    expect(JSON.stringify(jobIdentities[0])).not.toContain(jwt);
    // Logs name the subject, never the token.
    const lines = log.lines.filter((l) => l.subject === '42');
    expect(lines.some((l) => l.msg === 'request')).toBe(true);
    expect(lines.some((l) => l.useCase === 'WhoAmI')).toBe(true);
    expect(JSON.stringify(log.lines)).not.toContain(jwt);
  });

  it('public routes stay open; a bad credential is refused even there', async () => {
    expect((await call(running.base, 'GET', '/me/ping')).status).toBe(200);
    const bad = await call(running.base, 'GET', '/me/ping', { authorization: 'Bearer not.a.jwt' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('an expired token and a token for another audience or issuer are 401 naming why', async () => {
    const expired = await token('42', {}, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
    const res = await call(running.base, 'POST', '/me', bearer(expired));
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('the token has expired');
    expect(res.headers.get('www-authenticate')).toContain('error_description="the token has expired"');

    const otherAudience = await token('42', {}, { audience: 'another-api' });
    const aud = await call(running.base, 'POST', '/me', bearer(otherAudience));
    expect(aud.status).toBe(401);
    expect(aud.body.detail).toBe('the token\'s "aud" claim is not accepted');

    const otherIssuer = await token('42', {}, { issuer: 'https://evil.test' });
    expect((await call(running.base, 'POST', '/me', bearer(otherIssuer))).status).toBe(401);
  });

  it('loads read the identity: subject and claims; 401 without a caller, 404 for a subject with no row', async () => {
    const anonymous = await call(running.base, 'GET', '/me/profile');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ code: 'LOOM_UNAUTHORIZED' });

    const mine = await call(
      running.base,
      'GET',
      '/me/profile',
      bearer(await token(String(memberB), { nick: 'A' })),
    );
    expect(mine.status).toBe(200);
    expect(mine.body).toEqual({ id: memberB, name: 'B', namesake: memberA });

    const noClaim = await call(running.base, 'GET', '/me/profile', bearer(await token(String(memberA))));
    expect(noClaim.body).toEqual({ id: memberA, name: 'A', namesake: null });

    for (const subject of ['999999', 'not-a-number']) {
      const missing = await call(running.base, 'GET', '/me/profile', bearer(await token(subject)));
      expect(missing.status).toBe(404);
    }
  });

  it('roles: 401 anonymous, 403 without the role, 200 with it', async () => {
    expect((await call(running.base, 'GET', '/admin/stats')).status).toBe(401);
    const customer = await call(
      running.base,
      'GET',
      '/admin/stats',
      bearer(await token('42', { roles: ['customer'] })),
    );
    expect(customer.status).toBe(403);
    expect(customer.body).toMatchObject({
      code: 'LOOM_FORBIDDEN',
      detail: 'this operation needs one of the roles admin',
    });
    const admin = await call(
      running.base,
      'GET',
      '/admin/stats',
      bearer(await token('1', { roles: ['admin'] })),
    );
    expect(admin.status).toBe(200);
  });

  it('scopes: 403 without every scope, 200 with them', async () => {
    const without = await call(
      running.base,
      'POST',
      '/admin/things',
      bearer(await token('42', { scope: 'things:read' })),
    );
    expect(without.status).toBe(403);
    const withScope = await call(
      running.base,
      'POST',
      '/admin/things',
      bearer(await token('42', { scope: 'things:read things:write' })),
    );
    expect(withScope.status).toBe(200);
  });

  it('interface guard: every route of the interface needs a caller', async () => {
    expect((await call(running.base, 'GET', `/members/${memberA}`)).status).toBe(401);
    expect((await call(running.base, 'GET', `/members/${memberA}`, bearer(await token('9')))).status).toBe(
      200,
    );
  });

  it('predicate before loads: 403 for an existing and a missing member, same body (no existence leak)', async () => {
    const asA = bearer(await token(String(memberA)));
    expect((await call(running.base, 'GET', `/notes/by-member/${memberA}`, asA)).status).toBe(200);
    const existing = await call(running.base, 'GET', `/notes/by-member/${memberB}`, asA);
    const missing = await call(running.base, 'GET', '/notes/by-member/999999', asA);
    expect(existing.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(comparable(missing.body)).toEqual(comparable(existing.body));
    expect(existing.body.detail).toBe('not your notes');
  });

  it('ownership over a loaded entity: the owner reads it; others get 403, the same for a missing id', async () => {
    const asB = bearer(await token(String(memberB)));
    const own = await call(running.base, 'GET', `/notes/${noteOfB}`, asB);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: noteOfB, readBy: String(memberB) });
    const asA = bearer(await token(String(memberA)));
    const others = await call(running.base, 'GET', `/notes/${noteOfB}`, asA);
    const missing = await call(running.base, 'GET', '/notes/999999', asA);
    expect(others.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(comparable(missing.body)).toEqual(comparable(others.body));
  });

  it('API keys: stored hashed, both keys valid during rotation, an unknown key 401', async () => {
    for (const key of [OLD_KEY, NEW_KEY]) {
      const res = await call(running.base, 'GET', '/admin/stats', { 'x-api-key': key });
      expect(res.status, key).toBe(200);
    }
    const unknown = await call(running.base, 'GET', '/admin/stats', {
      'x-api-key': 'retired-key-cccccccccc',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toMatchObject({ code: 'LOOM_UNAUTHORIZED', detail: 'the API key is not valid' });
  });

  it("OpenAPI lists the security schemes and each guarded operation's requirement", async () => {
    const doc = (await call(running.base, 'GET', '/openapi.json')).body as {
      components: { securitySchemes: Record<string, unknown>; responses: Record<string, unknown> };
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
    });
    expect(doc.paths['/admin/things']?.post?.security).toEqual([
      { bearerAuth: ['things:write'] },
      { apiKey: [] },
    ]);
    expect(doc.paths['/admin/stats']?.get?.responses).toHaveProperty('403');
    expect(doc.paths['/me']?.post?.responses).toHaveProperty('401');
    expect(doc.paths['/me/ping']?.get?.security).toBeUndefined();
    expect(doc.components.responses).toHaveProperty('Unauthorized');
    // Swagger UI reads the same document (its Authorize button lists the schemes).
    const ui = (await call(running.base, 'GET', '/docs/json')).body as typeof doc;
    expect(ui.components.securitySchemes).toEqual(doc.components.securitySchemes);
  });
});

describe('JWT from a JWKS endpoint', () => {
  it('verifies RS256 tokens by kid; a token signed by another key is 401', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const jwks = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
    const running = await startAuthApp('sqlite', {
      auth: { enabled: true, jwt: { jwksUrl: url, audience: 'authtest' } },
    });
    const sign = (key: typeof privateKey) =>
      new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('5')
        .setAudience('authtest')
        .setExpirationTime('1h')
        .sign(key);
    try {
      const ok = await call(running.base, 'POST', '/me', bearer(await sign(privateKey)));
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ subject: '5', roles: ['admin'] });
      const forged = await call(running.base, 'POST', '/me', bearer(await sign(other.privateKey)));
      expect(forged.status).toBe(401);
      expect(forged.body.detail).toBe('the token signature does not verify');
    } finally {
      await running.close();
      jwks.close();
    }
  });
});

describe('a custom authenticator', () => {
  it('establishes the identity from code; its Unauthorized refuses the request', async () => {
    const { Unauthorized } = await import('../../src/errors/index.ts');
    const running = await startAuthApp(
      'sqlite',
      { auth: { enabled: true } },
      {
        auth: {
          authenticate: async (request) => {
            const user = request.headers['x-user'];
            if (user === undefined) return undefined;
            if (user === 'banned') throw new Unauthorized('banned', 'Session realm="authtest"');
            return { subject: String(user), roles: [], scopes: [], claims: { tenant: 't1' }, via: 'custom' };
          },
        },
      },
    );
    try {
      expect((await call(running.base, 'POST', '/me', { 'x-user': 'ada' })).body).toEqual({
        subject: 'ada',
        roles: [],
      });
      const banned = await call(running.base, 'POST', '/me', { 'x-user': 'banned' });
      expect(banned.status).toBe(401);
      expect(banned.headers.get('www-authenticate')).toBe('Session realm="authtest"');
    } finally {
      await running.close();
    }
  });

  it('auth on with nothing to authenticate is a boot error', async () => {
    await expect(startAuthApp('sqlite', { auth: { enabled: true } })).rejects.toThrow(
      /nothing can authenticate/,
    );
  });
});

describe('auth off', () => {
  it('guards are not enforced in development/test (a warning lists them) and refuse to boot in production', async () => {
    const log = captureLogger('warn');
    const running = await startAuthApp('sqlite', {}, { logger: log.logger });
    try {
      expect((await call(running.base, 'GET', '/admin/stats')).status).toBe(200);
      expect(log.lines.some((l) => String(l.msg).includes('guards of these routes are not enforced'))).toBe(
        true,
      );
    } finally {
      await running.close();
    }
    await expect(
      startAuthApp('sqlite', {
        app: { name: 'authtest', env: 'production', cursorSecret: 'a-real-production-secret-value' },
      }),
    ).rejects.toThrow(/auth.enabled is false but \d+ routes or endpoints declare guards/);
  });
});
