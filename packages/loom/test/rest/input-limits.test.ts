import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { command, t, withArrayLimit } from '../support/internals.ts';
import { expectProblem } from './support/expect-problem.ts';
import { productPayload, startServer, type TestServer } from './support/server.ts';

const INT32_MAX = 2_147_483_647;

describe.each(DIALECTS)('input matches storage on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect, { limits: { jsonDepth: 16, queryParameters: 20 } });
  });
  afterAll(() => s.close());

  it('an int32 edge passes, one beyond is a 422 naming the field (body) or a 400 naming the parameter', async () => {
    const ok = await s.req('POST', '/products', { json: productPayload('INT-MAX', { stock: INT32_MAX }) });
    expect(ok.status).toBe(201);
    expect(ok.body.stock).toBe(INT32_MAX);
    for (const stock of [INT32_MAX + 1, -(INT32_MAX + 2), 2 ** 53, 1e20]) {
      const body = expectProblem(
        await s.req('POST', '/products', { json: productPayload(`INT-${stock}`, { stock }) }),
        422,
        'LOOM_VALIDATION',
      );
      expect(body.errors.map((e: { path: string }) => e.path)).toEqual(['stock']);
    }
    const patched = await s.req('PATCH', `/products/${ok.body.id}`, { json: { stock: INT32_MAX + 1 } });
    expect(expectProblem(patched, 422, 'LOOM_VALIDATION').errors[0].path).toBe('stock');
    expectProblem(await s.req('GET', `/products/${INT32_MAX + 1}`), 400, 'LOOM_BAD_REQUEST');
    expect((await s.req('GET', `/products?stock__gt=${INT32_MAX + 1}`)).body.parameter).toBe('stock__gt');
  });

  it('NUL is refused: 422 naming the body field, 400 naming the filter or path parameter', async () => {
    const body = await s.req('POST', '/products', {
      body: JSON.stringify(productPayload('NUL-1', { name: 'a\u0000b' })),
      headers: { 'content-type': 'application/json' },
    });
    expect(expectProblem(body, 422, 'LOOM_VALIDATION').errors).toEqual([
      { path: 'name', message: 'must not contain the NUL character (U+0000)' },
    ]);
    const nested = await s.req('POST', '/users', {
      json: { fullName: 'N', email: 'n@x.io', nickname: ['ok', 'n\u0000'] },
    });
    expect(expectProblem(nested, 422, 'LOOM_VALIDATION').errors[0].path).toBe('nickname/1');
    for (const key of ['name', 'name__like', 'sku__in']) {
      const res = await s.req('GET', `/products?${key}=a%00b`);
      expect(expectProblem(res, 400, 'LOOM_INVALID_QUERY').parameter).toBe(key);
    }
    expect(expectProblem(await s.req('POST', '/errors/a%00b'), 400, 'LOOM_BAD_REQUEST').parameter).toBe(
      'kind',
    );
  });

  it('a string over its column length and a decimal-like date are 422s on both dialects', async () => {
    const long = await s.req('POST', '/products', { json: productPayload('LONG', { name: 'x'.repeat(81) }) });
    expect(expectProblem(long, 422, 'LOOM_VALIDATION').errors[0].path).toBe('name');
    const leap = await s.req('POST', '/products', {
      json: productPayload('LEAP', { launchedAt: '2026-06-30T23:59:60Z' }),
    });
    expect(expectProblem(leap, 422, 'LOOM_VALIDATION').errors[0].path).toBe('launchedAt');
    expectProblem(
      await s.req('GET', '/products?launchedAt__gt=-200000-01-01T00:00:00Z'),
      400,
      'LOOM_INVALID_QUERY',
    );
  });

  it('refuses hostile nesting before parsing (413 naming the limit) and too many query parameters (400)', async () => {
    const deep = await s.req('POST', '/products', {
      body: '['.repeat(200_000) + ']'.repeat(200_000),
      headers: { 'content-type': 'application/json' },
    });
    expect(expectProblem(deep, 413, 'LOOM_LIMIT_EXCEEDED')).toMatchObject({ limit: 'jsonDepth', max: 16 });
    // At the limit it parses (and the command reports the wrong type).
    const ok = await s.req('POST', '/products', {
      body: JSON.stringify({
        ...productPayload('DEEP'),
        category: JSON.parse('['.repeat(15) + ']'.repeat(15)),
      }),
      headers: { 'content-type': 'application/json' },
    });
    expect(ok.status).toBe(422);
    const many = Array.from({ length: 21 }, (_, i) => `stock__gte=${i}`).join('&');
    expect(expectProblem(await s.req('GET', `/products?${many}`), 400, 'LOOM_LIMIT_EXCEEDED')).toMatchObject({
      limit: 'queryParameters',
      max: 20,
    });
    expect((await s.req('GET', `/products?${many.split('&').slice(0, 20).join('&')}`)).status).toBe(200);
  });

  it('a conflict names the constraint fields, never the database text', async () => {
    await s.req('POST', '/products', { json: productPayload('DUP-X') });
    const res = await s.req('POST', '/products', { json: productPayload('DUP-X') });
    const body = expectProblem(res, 409, 'LOOM_CONFLICT');
    expect(body).toMatchObject({
      kind: 'unique',
      constraint: 'uq_products_sku',
      violations: [{ field: 'sku', message: 'already exists' }],
      detail: 'a Product with this sku already exists',
    });
    expect(res.text).not.toMatch(/DUP-X|Key \(|duplicate key|UNIQUE constraint/);
  });

  it('property: bodies and filters generated from the model never get a 5xx', async () => {
    const edgeInt = fc.oneof(
      fc.integer(),
      fc.constantFrom(
        INT32_MAX,
        INT32_MAX + 1,
        -INT32_MAX - 1,
        -INT32_MAX - 2,
        2 ** 53,
        -(2 ** 63),
        1e20,
        -0,
      ),
      fc.double(),
    );
    const text = fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.constantFrom('\u0000', 'a\u0000', '\ud800', 'x'.repeat(81)),
    );
    const value = fc.oneof(
      edgeInt,
      text,
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }),
    );
    const body = fc.record(
      {
        name: fc.oneof(text, value),
        sku: fc.oneof(text, value),
        category: fc.oneof(text, value),
        price: fc.oneof(edgeInt, value),
        stock: fc.oneof(edgeInt, value),
        active: value,
        launchedAt: fc.oneof(
          fc.constantFrom(
            '2026-01-01T00:00:00Z',
            '0000-01-01T00:00:00Z',
            '9999-12-31T23:59:60Z',
            '2026-02-30T00:00:00Z',
          ),
          value,
        ),
        notes: fc.oneof(text, value),
      },
      { requiredKeys: [] },
    );
    const field = fc.constantFrom('id', 'name', 'sku', 'category', 'price', 'stock', 'active', 'launchedAt');
    const op = fc.constantFrom('', '__eq', '__ne', '__gt', '__lte', '__in', '__like', '__ilike', '__is_null');
    const filterValue = fc.oneof(
      text,
      edgeInt.map(String),
      fc.constantFrom('%00', '2026-02-30', '-200000-01-01', '1e999', '9'.repeat(40), 'true'),
    );
    // A lone surrogate cannot be percent-encoded: send the bytes a careless client would.
    const encode = (v: string) => {
      try {
        return encodeURIComponent(v);
      } catch {
        return '%ED%A0%80';
      }
    };
    const statuses = new Map<number, number>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          body.map((b) => ({ method: 'POST', path: '/products', json: b })),
          body.map((b) => ({ method: 'PATCH', path: '/products/1', json: b })),
          fc.array(fc.tuple(field, op, filterValue), { maxLength: 4 }).map((fs) => ({
            method: 'GET',
            path: `/products?${fs.map(([f, o, v]) => `${f}${o}=${v === '%00' ? v : encode(v)}`).join('&')}`,
          })),
        ),
        async (req) => {
          runs++;
          const res = await s.req(req.method, req.path, 'json' in req ? { json: req.json } : {});
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          expect(
            res.status,
            `${req.method} ${req.path} ${JSON.stringify('json' in req ? req.json : '')}`,
          ).toBeLessThan(500);
        },
      ),
      { numRuns: 150, seed: dialect === 'sqlite' ? 4242 : 2424 },
    );
    expect(runs).toBe(150);
    // The generator reaches both success and refusal.
    expect([...statuses.keys()].some((st) => st < 300)).toBe(true);
    expect(statuses.get(422) ?? 0).toBeGreaterThan(0);
  });
});

describe('default maxItems on input arrays', () => {
  it('bounds arrays the declaration left open, keeps declared bounds, and returns a bounded command unchanged', () => {
    const Open = command({
      ids: t.Array(t.Integer()),
      nested: t.Optional(t.Object({ tags: t.Array(t.String()) })),
    });
    const limited = withArrayLimit(Open, 3);
    expect(limited.safeParse({ ids: [1, 2, 3] }).ok).toBe(true);
    const refused = limited.safeParse({ ids: [1, 2, 3, 4], nested: { tags: ['a', 'b', 'c', 'd'] } });
    expect(refused.ok ? [] : refused.errors.map((e) => e.path)).toEqual(['ids', 'nested/tags']);
    expect(limited.$fieldsByName.get('nested')?.optional).toBe(true);
    expect(withArrayLimit(Open, 3)).toBe(limited);
    const Declared = command({ ids: t.Array(t.Integer(), { maxItems: 10 }) });
    expect(withArrayLimit(Declared, 3)).toBe(Declared);
  });
});
