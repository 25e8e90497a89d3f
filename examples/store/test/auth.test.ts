import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeStoreSuite } from './scenarios/store-suite.ts';
import { type StoreClient, storeClient } from './support/http-client.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';
import { asBearer, storeToken } from './support/tokens.ts';

// Setup (a) with config/auth.yaml: the whole e2e suite, every request with an administrator's token.
describeStoreSuite('store with auth on (admin token)', async () =>
  startSqliteStore({ auth: asBearer(await storeToken(0, ['admin'])) }),
);

/** The problem body without what differs per request (trace id, the path itself). */
const comparable = (body: unknown) => {
  const { traceId: _t, instance: _i, ...rest } = body as Record<string, unknown>;
  return rest;
};

describe('store with auth on: users own their addresses and orders', () => {
  let store: StoreSetup;
  let anonymous: StoreClient;
  let ada: StoreClient;
  let bob: StoreClient;
  let adaId: number;
  let bobId: number;
  let bobAddress: number;
  let bobOrder: number;

  beforeAll(async () => {
    store = await startSqliteStore({ auth: asBearer(await storeToken(0, ['admin'])) });
    const admin = store.api;
    anonymous = storeClient(admin.baseUrl);
    const created = async (email: string) =>
      ((await admin.post<{ id: number }>('/users', { fullName: email, email })).body as { id: number }).id;
    adaId = await created('ada@example.com');
    bobId = await created('bob@example.com');
    ada = storeClient(admin.baseUrl, asBearer(await storeToken(adaId)));
    bob = storeClient(admin.baseUrl, asBearer(await storeToken(bobId)));
    const address = { label: 'home', street: '1 Main', city: 'Lyon', country: 'FR', zipCode: '69001' };
    const made = await bob.post<{ id: number }>(`/users/${bobId}/addresses`, address);
    expect(made.status).toBe(201);
    bobAddress = made.body.id;
    const order = await bob.post<{ id: number }>('/orders', { userId: bobId, addressId: bobAddress });
    expect(order.status).toBe(201);
    bobOrder = order.body.id;
  });
  afterAll(() => store.close());

  it('anonymous callers get 401 with WWW-Authenticate on owned resources', async () => {
    const res = await anonymous.get(`/users/${bobId}/addresses`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="store"/);
    expect((await anonymous.post('/orders', { userId: bobId, addressId: bobAddress })).status).toBe(401);
    // Public catalogue stays public.
    expect((await anonymous.get('/products')).status).toBe(200);
  });

  it("a user reaches their own addresses, never another's: 403 for an existing and a missing user alike", async () => {
    expect((await bob.get(`/users/${bobId}/addresses`)).status).toBe(200);
    const other = await ada.get(`/users/${bobId}/addresses/${bobAddress}`);
    const missing = await ada.get(`/users/999999/addresses/${bobAddress}`);
    expect(other.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(comparable(missing.body)).toEqual(comparable(other.body));
  });

  it("orders: created for oneself only, updated by the owner only, another's and a missing one look the same", async () => {
    const forBob = await ada.post('/orders', { userId: bobId, addressId: bobAddress });
    expect(forBob.status).toBe(403);
    const others = await ada.patch(`/orders/${bobOrder}`, { status: 'paid' });
    const missing = await ada.patch('/orders/999999', { status: 'paid' });
    expect(others.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(comparable(missing.body)).toEqual(comparable(others.body));
    expect((await bob.patch(`/orders/${bobOrder}`, { status: 'paid' })).status).toBe(200);
  });

  it('a user lists their own orders; reading any order by id is for administrators', async () => {
    const mine = await bob.get<{ items: { id: number }[] }>(`/users/${bobId}/orders`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((o) => o.id)).toEqual([bobOrder]);
    expect((await ada.get(`/users/${bobId}/orders`)).status).toBe(403);
    expect((await bob.get(`/orders/${bobOrder}`)).status).toBe(403);
    expect((await store.api.get(`/orders/${bobOrder}`)).status).toBe(200);
  });
});
