import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseUrl } from '../db-url.ts';
import { buildNativeApp } from '../native/app.ts';
import { pricingBody, SCENARIOS, seededIds } from '../scenarios.ts';
import { DATASET, dropSchema, seedBenchData } from '../seed.ts';
import { expectRecord, type Json, SCENARIO_SHAPES } from './scenario-shapes.ts';

// Own schema, so the test never touches the tables a running benchmark uses.
const SCHEMA = `bench_test_${process.pid}`;
const url = databaseUrl();
let app: FastifyInstance;
let base: string;
let admin: pg.Client;

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; type: string; json: Json }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(base + path, init);
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    json: (await res.json()) as Json,
  };
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await seedBenchData(admin, { schema: SCHEMA });
  app = await buildNativeApp({ connectionString: url, schema: SCHEMA, poolMax: 4 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  base = `http://127.0.0.1:${address.port}`;
});

afterAll(async () => {
  await app?.close();
  await dropSchema(admin, SCHEMA);
  await admin.end();
});

describe('native app: every benchmark scenario', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name} answers ${scenario.expectedStatus} with the expected shape`, async () => {
      const ids = seededIds();
      for (const i of [0, 1, 2, 3, 47, 48]) {
        const req = scenario.request(i, ids);
        expect(req.method).toBe(scenario.method);
        const res = await call(req.method, req.path, req.body);
        expect(res.status, `${req.method} ${req.path} ${req.body ?? ''}`).toBe(scenario.expectedStatus);
        expect(res.type).toContain('application/json');
        const shape = SCENARIO_SHAPES[scenario.name];
        if (shape === undefined) throw new Error(`no expected shape for scenario ${scenario.name}`);
        shape(res.json);
      }
    });
  }
});

describe('native app: records', () => {
  it('loads a record with its owner and notes in id order', async () => {
    const { status, json } = await call('GET', '/bench/records/7?profile=with_details');
    expect(status).toBe(200);
    expect(json).toMatchObject({
      id: 7,
      ownerId: 7,
      requestId: 'req-7',
      fullName: 'Record 7',
      hasNotes: true,
    });
    expect(json.owner).toEqual({ id: 7, fullName: 'Bench User 7', email: 'bench-user-7@example.com' });
    expect(json.notes).toEqual([
      { id: 19, recordId: 7, body: 'note-7-1' },
      { id: 20, recordId: 7, body: 'note-7-2' },
      { id: 21, recordId: 7, body: 'note-7-3' },
    ]);
    expect(json.noteSnippets).toEqual([
      { id: 19, body: 'note-7-1' },
      { id: 20, body: 'note-7-2' },
      { id: 21, body: 'note-7-3' },
    ]);
  });

  it('returns the default profile without relations', async () => {
    const { status, json } = await call('GET', '/bench/records/1200');
    expect(status).toBe(200);
    expectRecord(json, true);
    expect(json).not.toHaveProperty('owner');
    expect(json).not.toHaveProperty('notes');
  });

  it('answers 404 problem details for a missing record and 400 for a bad id or profile', async () => {
    const missing = await call('GET', '/bench/records/999999');
    expect(missing.status).toBe(404);
    expect(missing.type).toContain('application/problem+json');
    expect(missing.json).toMatchObject({ status: 404, entity: 'BenchRecord', id: 999999, code: 'not_found' });
    expect((await call('GET', '/bench/records/abc')).status).toBe(400);
    expect((await call('GET', '/bench/records/1?profile=everything')).status).toBe(400);
  });

  it('walks every record through cursor pages exactly once', async () => {
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const query: string = after === null ? '' : `&after=${after}`;
      const { status, json } = await call('GET', `/bench/records?pagination=cursor&limit=500${query}`);
      expect(status).toBe(200);
      seen.push(...(json.items as { id: number }[]).map((item) => item.id));
      after = json.nextCursor as string | null;
      if (json.hasNext !== true) break;
    }
    expect(after).toBeNull();
    expect(seen).toEqual(Array.from({ length: DATASET.records }, (_, i) => i + 1));
  });

  it('rejects a tampered cursor with 400', async () => {
    const first = await call('GET', '/bench/records?pagination=cursor&limit=2');
    const token = first.json.nextCursor as string;
    const [, mac] = token.split('.');
    const forged = `${Buffer.from('1000').toString('base64url')}.${mac}`;
    const res = await call('GET', `/bench/records?pagination=cursor&after=${forged}`);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ status: 400, code: 'bad_cursor' });
    expect((await call('GET', '/bench/records?pagination=cursor&after=garbage')).status).toBe(400);
  });

  it('pages by offset with the total, also past the end', async () => {
    const first = await call('GET', '/bench/records?page=1&limit=25');
    expect(first.json).toMatchObject({ totalCount: 1200, page: 1, limit: 25, hasNext: true });
    const last = await call('GET', '/bench/records?pagination=offset&page=48&limit=25');
    expect(last.json).toMatchObject({ totalCount: 1200, page: 48, hasNext: false });
    expect((last.json.items as { id: number }[]).map((i) => i.id)).toEqual(
      Array.from({ length: 25 }, (_, i) => 1176 + i),
    );
    const beyond = await call('GET', '/bench/records?page=49&limit=25');
    expect(beyond.json).toEqual({ items: [], totalCount: 1200, page: 49, limit: 25, hasNext: false });
  });

  it('validates limit and page', async () => {
    expect((await call('GET', '/bench/records?limit=0')).status).toBe(400);
    expect((await call('GET', '/bench/records?limit=1001')).status).toBe(400);
    expect((await call('GET', '/bench/records?page=0')).status).toBe(400);
  });

  it('patches the present fields in one statement and bumps updatedAt', async () => {
    const before = await call('GET', '/bench/records/5');
    const res = await call('PATCH', '/bench/records/5', {
      email: 'new-5@example.com',
      full_name: 'Renamed 5',
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      id: 5,
      email: 'new-5@example.com',
      fullName: 'Renamed 5',
      requestId: 'req-5',
    });
    expect(Date.parse(res.json.updatedAt as string)).toBeGreaterThan(
      Date.parse(before.json.updatedAt as string),
    );
    const untouched = await call('PATCH', '/bench/records/5', {});
    expect(untouched.json).toMatchObject({ email: 'new-5@example.com', fullName: 'Renamed 5' });
  });

  it('answers 404 for patching a missing record, 422 for an invalid body, 400 for malformed JSON', async () => {
    expect((await call('PATCH', '/bench/records/999999', { email: 'a@b.c' })).status).toBe(404);
    const invalid = await call('PATCH', '/bench/records/5', { email: 'not-an-email' });
    expect(invalid.status).toBe(422);
    expect(invalid.json.violations).toEqual([{ field: 'email', message: expect.any(String) }]);
    expect((await call('PATCH', '/bench/records/5', '{"email":')).status).toBe(400);
  });
});

describe('native app: pricing preview', () => {
  it('computes the documented example (request i = 1)', async () => {
    const { status, json } = await call('POST', '/bench/pricing/preview', pricingBody(1));
    expect(status).toBe(200);
    expect(json).toEqual({
      normalizedEmail: 'user1@example.com',
      country: 'ES',
      quantity: 2,
      unitPrice: 11,
      subtotal: 22,
      effectiveDiscountPct: 6,
      discountAmount: 1.32,
      shippingCost: 7.5,
      taxRate: 0.21,
      taxAmount: 4.34,
      total: 32.52,
    });
  });

  it('accepts camelCase keys, caps the discount at 90 % and ships free from 100', async () => {
    const { json } = await call('POST', '/bench/pricing/preview', {
      email: 'a@b.co',
      country: 'us',
      unitPrice: 1000,
      quantity: 1,
      discountPct: 85,
      couponCode: 'WELCOME10',
      vip: true,
    });
    expect(json).toMatchObject({
      country: 'US',
      effectiveDiscountPct: 90,
      discountAmount: 900,
      shippingCost: 0,
    });
    expect(json).toMatchObject({ taxRate: 0.08, taxAmount: 8, total: 108 });
  });

  it('aggregates every rule violation into one 422', async () => {
    const res = await call('POST', '/bench/pricing/preview', {
      email: 'nope',
      country: 'XX',
      unit_price: 0,
      quantity: 0,
      coupon_code: 'FREE',
    });
    expect(res.status).toBe(422);
    expect((res.json.violations as { field: string }[]).map((v) => v.field)).toEqual([
      'email',
      'country',
      'quantity',
      'unitPrice',
      'couponCode',
    ]);
  });

  it('rejects a body without the required fields with 422', async () => {
    expect((await call('POST', '/bench/pricing/preview', { email: 'a@b.co' })).status).toBe(422);
    expect(
      (await call('POST', '/bench/pricing/preview', { email: 'a@b.co', country: 'US', quantity: 1 })).status,
    ).toBe(422);
  });
});

describe('scenarios', () => {
  it('sends the pricing body byte for byte as the Lua script does', () => {
    expect(pricingBody(1)).toBe(
      '{"email":" User1@Example.Com ","country":"ES","unit_price":11.0,"quantity":2,"discount_pct":1.0,"coupon_code":"VIP5","vip":false}',
    );
    expect(pricingBody(0)).toContain('"coupon_code":null,"vip":true');
  });

  it('spreads record ids over 1..100', () => {
    const next = seededIds();
    const ids = Array.from({ length: 5000 }, () => next());
    expect(Math.min(...ids)).toBe(1);
    expect(Math.max(...ids)).toBe(100);
  });
});
