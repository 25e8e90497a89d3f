import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';
import { execute, openDocs, SCREENSHOTS } from './support/swagger-ui.ts';

// Swagger UI in a real browser (Debian's chromium driven by playwright-core): "Try it out" + Execute
// must work on the store's routes with the form's defaults. Screenshots go to test-results/swagger-ui/.

describe('Swagger UI in chromium', () => {
  let store: StoreSetup;
  let browser: Browser;
  let page: Page;
  let userId: number;

  beforeAll(async () => {
    store = await startSqliteStore();
    const user = await store.api.post<{ id: number }>('/users', {
      fullName: 'Ana',
      email: 'ana@example.com',
    });
    userId = user.body.id;
    const product = { sku: 'UI-1', name: 'Mug', category: 'kitchen', priceCents: 900, stock: 1 };
    expect((await store.api.post('/products', product)).status).toBe(201);
    ({ browser, page } = await openDocs(store.api.baseUrl));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('is the app’s page: its title, no top bar with a third-party logo or the internal document URL', async () => {
    expect(await page.title()).toBe('Loom store — API');
    expect(await page.locator('.topbar').count()).toBe(0);
    expect(await page.locator('.info .title').textContent()).toContain('Loom store');
  });

  it('lists with the form defaults: GET /products (cursor list with a filter object) → 200 with items', async () => {
    const reply = await execute(page, 'Products', 'listProducts');
    await page.screenshot({ path: join(SCREENSHOTS, 'list-products.png') });
    expect(reply.status).toBe('200');
    expect(JSON.parse(reply.body)).toMatchObject({ items: expect.any(Array), hasNext: expect.any(Boolean) });
    expect(JSON.parse(reply.body).items.length).toBeGreaterThan(0);
  }, 60_000);

  it('every other list route runs with its defaults (path params filled) → 200', async () => {
    const lists: [string, string, Record<string, string>][] = [
      ['Users', 'ListUsers', {}],
      ['UserAddresses', 'ListAddresses', { userId: String(userId) }],
      ['Products', 'ListLowStockProducts', {}],
      ['Tags', 'listTags', {}],
      ['Orders', 'listOrders', {}],
      ['Orders', 'ListUserOrders', { userId: String(userId) }],
      ['OrderItems', 'listOrderItems', {}],
    ];
    const failed: string[] = [];
    for (const [tag, operationId, params] of lists) {
      const reply = await execute(page, tag, operationId, { params });
      if (reply.status !== '200' || !('items' in JSON.parse(reply.body)))
        failed.push(`${operationId}: ${reply.status} ${reply.body.slice(0, 200)}`);
    }
    expect(failed).toEqual([]);
  }, 180_000);

  it('gets one: GET /users/{userId} → 200 with the user', async () => {
    const reply = await execute(page, 'Users', 'GetUser', { params: { userId: String(userId) } });
    expect(reply.status).toBe('200');
    expect(JSON.parse(reply.body)).toMatchObject({ id: userId });
  }, 60_000);

  it('creates one: POST /users with a body → 201 with the new user; a bad body renders the 422 problem', async () => {
    const created = await execute(page, 'Users', 'CreateUser', {
      body: JSON.stringify({ fullName: 'Browser User', email: 'browser@example.com' }),
    });
    await page.screenshot({ path: join(SCREENSHOTS, 'create-user.png') });
    expect(created.status).toBe('201');
    expect(JSON.parse(created.body)).toMatchObject({ email: 'browser@example.com', id: expect.any(Number) });
    const stored = await store.api.get<{ email: string }>(`/users/${JSON.parse(created.body).id}`);
    expect(stored.body.email).toBe('browser@example.com');
  }, 60_000);
});
