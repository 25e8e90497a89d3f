import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { expectProblem } from './support/expect-problem.ts';
import { startServer, type TestServer } from './support/server.ts';

/**
 * loom-core-spec.md §16.2, HTTP checks 31–45 and 48–50, with our fixes where loom-py answers a client
 * mistake with 500 (or a bug): the test names say which answer we give.
 */
describe.each(DIALECTS)('loom-py HTTP checks (§16.2) on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
    const rows = [
      ['CHK-01', 5, 'a'],
      ['CHK-02', 25, 'b'],
      ['CHK-03', 30, 'b'],
      ['CHK-04', 20, null],
      ['CHK-05', 40, 'c'],
    ] as const;
    for (const [sku, price, category] of rows) {
      await s.req('POST', '/products', { json: { name: sku, sku, price, stock: 1, category } });
    }
  });
  afterAll(() => s.close());

  const ids = (res: { body: { items: { id: number }[] } }) => res.body.items.map((p) => p.id);

  it('31 auto-CRUD: POST 201 with id; GET/PATCH missing → 404; DELETE → 200 true, missing → 404 (loom-py: 200 false)', async () => {
    const created = await s.req('POST', '/products', {
      json: { name: 'Widget', sku: 'W-31', price: 1, stock: 1 },
    });
    expect(created.status).toBe(201);
    expect(typeof created.body.id).toBe('number');
    expectProblem(await s.req('GET', '/products/999'), 404, 'LOOM_NOT_FOUND');
    expectProblem(await s.req('PATCH', '/products/999', { json: { name: 'x' } }), 404, 'LOOM_NOT_FOUND');
    const deleted = await s.req('DELETE', `/products/${created.body.id}`);
    expect([deleted.status, deleted.body]).toEqual([200, true]);
    expectProblem(await s.req('DELETE', `/products/${created.body.id}`), 404, 'LOOM_NOT_FOUND');
  });

  it('32 a custom GET returning null → 200 null', async () => {
    const res = await s.req('GET', '/products/424242/maybe');
    expect([res.status, res.text]).toEqual([200, 'null']);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('33 envelope keys: offset items,totalCount,page,limit,hasNext; cursor items,nextCursor,hasNext', async () => {
    const offset = await s.req('GET', '/products?pagination=offset&limit=2');
    expect(Object.keys(offset.body)).toEqual(['items', 'totalCount', 'page', 'limit', 'hasNext']);
    const cursor = await s.req('GET', '/products?limit=2');
    expect(Object.keys(cursor.body)).toEqual(['items', 'nextCursor', 'hasNext']);
  });

  it('34 page=2&limit=10&price__gte=20&sort=id&direction=DESC → offset page 2, price ≥ 20, id descending', async () => {
    const all = await s.req('GET', '/products/offset-only?limit=1000&price__gte=20&sort=id&direction=DESC');
    const expected = ids(all);
    expect(expected.length).toBeGreaterThanOrEqual(4);
    expect([...expected].sort((a, b) => b - a)).toEqual(expected);
    const page1 = await s.req(
      'GET',
      '/products/offset-only?page=1&limit=2&price__gte=20&sort=id&direction=DESC',
    );
    const page2 = await s.req(
      'GET',
      '/products/offset-only?page=2&limit=2&price__gte=20&sort=id&direction=DESC',
    );
    expect(page2.body).toMatchObject({ page: 2, limit: 2, totalCount: expected.length });
    expect([...ids(page1), ...ids(page2)]).toEqual(expected.slice(0, 4));
    for (const p of page2.body.items) expect(p.price).toBeGreaterThanOrEqual(20);
  });

  it('35 after=abc123 → 400 invalid cursor (loom-py: accepted); reviews__exists → 400 unknown operator', async () => {
    expect(
      expectProblem(await s.req('GET', '/products?after=abc123&limit=1'), 400, 'LOOM_INVALID_CURSOR')
        .parameter,
    ).toBe('after');
    expectProblem(await s.req('GET', '/products?limit=1&reviews__exists=true'), 400, 'LOOM_INVALID_QUERY');
  });

  it('36 sort=createdAt and filters by camelCase or snake_case name the same field', async () => {
    for (const n of [1, 2])
      await s.req('POST', '/users', { json: { fullName: `Check Ada ${n}`, email: `c36-${n}@x.io` } });
    const camel = await s.req('GET', '/users?sort=createdAt&direction=desc&fullName__like=Check%25');
    const snake = await s.req('GET', '/users?sort=created_at&direction=desc&full_name__like=Check%25');
    expect(camel.status).toBe(200);
    expect(ids(snake)).toEqual(ids(camel));
    expect(camel.body.items.map((u: { email: string }) => u.email)).toEqual(['c36-2@x.io', 'c36-1@x.io']);
  });

  it('37 allowPaginationOverride: false + ?pagination=cursor → 400 "cannot override"', async () => {
    const body = expectProblem(
      await s.req('GET', '/products/offset-only?pagination=cursor'),
      400,
      'LOOM_BAD_REQUEST',
    );
    expect(body).toMatchObject({ parameter: 'pagination' });
    expect(body.detail).toContain('cannot override');
    expectProblem(await s.req('GET', '/products/offset-only?after=x'), 400, 'LOOM_BAD_REQUEST');
    expect((await s.req('GET', '/products/offset-only?pagination=OFFSET')).status).toBe(200);
  });

  it('38 ?profile= not exposed → 400; unknown profile → 400; allowed (snake or camel) → loaded', async () => {
    const user = await s.req('POST', '/users', { json: { fullName: 'Profiled', email: 'p38@x.io' } });
    await s.req('POST', `/users/${user.body.id}/addresses`, { json: { street: 'Main 1', city: 'Paris' } });
    const notAllowed = expectProblem(
      await s.req('GET', '/products?profile=with_details'),
      400,
      'LOOM_BAD_REQUEST',
    );
    expect(notAllowed.parameter).toBe('profile');
    expectProblem(await s.req('GET', `/users/${user.body.id}?profile=with_details`), 400, 'LOOM_BAD_REQUEST');
    expectProblem(await s.req('GET', `/users/${user.body.id}/card?profile=invalid`), 400, 'LOOM_BAD_REQUEST');
    expectProblem(
      await s.req('POST', '/users?profile=with_details', { json: { fullName: 'P', email: 'p38b@x.io' } }),
      400,
      'LOOM_BAD_REQUEST',
    );
    const plain = await s.req('GET', `/users/${user.body.id}/card`);
    expect(plain.body).not.toHaveProperty('addresses');
    for (const spelling of ['with_details', 'withDetails']) {
      const detailed = await s.req('GET', `/users/${user.body.id}/card?profile=${spelling}`);
      expect(detailed.body).toMatchObject({
        id: user.body.id,
        addressCount: 1,
        addresses: [{ street: 'Main 1', city: 'Paris' }],
      });
    }
  });

  it('39 direction=sideways → 400; pagination=bogus → 400', async () => {
    expect(
      expectProblem(await s.req('GET', '/products?direction=sideways'), 400, 'LOOM_BAD_REQUEST').parameter,
    ).toBe('direction');
    expect(
      expectProblem(await s.req('GET', '/products?pagination=bogus'), 400, 'LOOM_BAD_REQUEST').parameter,
    ).toBe('pagination');
  });

  it('40 blank name and invalid email → 422 LOOM_RULE_VIOLATIONS with ≥ 2 violations', async () => {
    const body = expectProblem(
      await s.req('POST', '/users', { json: { fullName: '', email: 'not-an-email' } }),
      422,
      'LOOM_RULE_VIOLATIONS',
    );
    expect(body.violations.length).toBeGreaterThanOrEqual(2);
    for (const v of body.violations) {
      expect(typeof v.field).toBe('string');
      expect(typeof v.message).toBe('string');
    }
  });

  it('41 forced NotFound/Conflict/Forbidden → 404/409/403 with code and detail; a plain Error → 500', async () => {
    expect(expectProblem(await s.req('POST', '/errors/not-found'), 404, 'LOOM_NOT_FOUND')).toMatchObject({
      entity: 'Widget',
      id: 42,
    });
    expectProblem(await s.req('POST', '/errors/conflict'), 409, 'LOOM_CONFLICT');
    expect(expectProblem(await s.req('POST', '/errors/forbidden'), 403, 'LOOM_FORBIDDEN').detail).toBe(
      'only the owner may do this',
    );
    expectProblem(await s.req('POST', '/errors/boom'), 500, 'LOOM_INTERNAL');
  });

  it('42 non-loom failure → problem document with generic detail and the trace id, nothing internal', async () => {
    const res = await s.req('POST', '/errors/boom', { headers: { 'x-request-id': 'check-42' } });
    const body = expectProblem(res, 500, 'LOOM_INTERNAL');
    expect(body).toEqual({
      type: 'urn:loom:problem:internal',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred.',
      code: 'LOOM_INTERNAL',
      traceId: 'check-42',
      instance: '/errors/boom',
    });
  });

  it('43 x-request-id: abc → echoed; without it a generated id, also the error traceId', async () => {
    expect(
      (await s.req('GET', '/ping', { headers: { 'x-request-id': 'abc' } })).headers.get('x-request-id'),
    ).toBe('abc');
    const res = await s.req('GET', '/products/999');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.traceId).toBe(res.headers.get('x-request-id'));
  });

  it('44 model JSON: camelCase keys, nullable columns shown as null (never omitted), dates ISO', async () => {
    const created = await s.req('POST', '/products', {
      json: { name: 'N', sku: 'N-44', price: 1, stock: 1 },
    });
    expect(created.body).toMatchObject({ category: null, launchedAt: null, notes: null, active: true });
    const user = await s.req('POST', '/users', { json: { fullName: 'Dates', email: 'd44@x.io' } });
    expect(user.body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(user.body.nickname).toBeNull();
  });

  it('45 PATCH {"nickname": null} clears a nullable field (decided: null is a value); null on a required field → 422', async () => {
    const user = await s.req('POST', '/users', {
      json: { fullName: 'Nick', email: 'n45@x.io', nickname: 'nicky' },
    });
    expect(user.body.nickname).toBe('nicky');
    const cleared = await s.req('PATCH', `/users/${user.body.id}`, { json: { nickname: null } });
    expect([cleared.status, cleared.body.nickname, cleared.body.fullName]).toEqual([200, null, 'Nick']);
    const body = expectProblem(
      await s.req('PATCH', `/users/${user.body.id}`, { json: { fullName: null } }),
      422,
      'LOOM_VALIDATION',
    );
    expect(body.errors[0].path).toBe('fullName');
  });

  it('48 missing field, mistyped field → 422 LOOM_VALIDATION; invalid JSON → 400; empty body → 422 (loom-py: 500)', async () => {
    const missing = expectProblem(
      await s.req('POST', '/users', { json: { fullName: 'No Mail' } }),
      422,
      'LOOM_VALIDATION',
    );
    expect(missing.errors).toEqual([{ path: 'email', message: 'is required' }]);
    const mistyped = expectProblem(
      await s.req('POST', '/users', { json: { fullName: 1, email: 'm@x.io' } }),
      422,
      'LOOM_VALIDATION',
    );
    expect(mistyped.errors).toEqual([{ path: 'fullName', message: 'must be string' }]);
    expectProblem(
      await s.req('POST', '/users', {
        body: '{"fullName":',
        headers: { 'content-type': 'application/json' },
      }),
      400,
      'LOOM_MALFORMED_BODY',
    );
    expectProblem(
      await s.req('POST', '/users', { body: '', headers: { 'content-type': 'application/json' } }),
      422,
      'LOOM_VALIDATION',
    );
    expectProblem(await s.req('POST', '/users'), 422, 'LOOM_VALIDATION');
    expectProblem(await s.req('POST', '/users', { json: [1, 2] }), 422, 'LOOM_VALIDATION');
  });

  it('49 limit=0, limit=1001, page=0, limit=abc → 400 in both modes; cursor limit=5000 → 400 (loom-py: 500 / 200)', async () => {
    for (const q of ['limit=0', 'limit=1001', 'page=0', 'limit=abc', 'pagination=offset&limit=0']) {
      expectProblem(await s.req('GET', `/products/offset-only?${q}`), 400, 'LOOM_BAD_REQUEST');
    }
    for (const q of ['limit=5000', 'limit=0', 'limit=abc']) {
      expect(expectProblem(await s.req('GET', `/products?${q}`), 400, 'LOOM_BAD_REQUEST').parameter).toBe(
        'limit',
      );
    }
  });

  it('50 cursor DESC: page 2 continues page 1; malformed and forged tokens → 400 (loom-py: repeats, 500, 200)', async () => {
    const page1 = await s.req('GET', '/products?sort=price&direction=DESC&limit=2');
    const page2 = await s.req(
      'GET',
      `/products?sort=price&direction=DESC&limit=2&after=${page1.body.nextCursor}`,
    );
    const all = await s.req('GET', '/products?sort=price&direction=DESC&limit=4');
    expect([...ids(page1), ...ids(page2)]).toEqual(ids(all));
    expectProblem(await s.req('GET', '/products?after=%%%garbage'), 400, 'LOOM_INVALID_CURSOR');
    const forged = Buffer.from(JSON.stringify({ email: 'b' })).toString('base64url');
    expectProblem(await s.req('GET', `/products?after=${forged}`), 400, 'LOOM_INVALID_CURSOR');
  });
});
