import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';
import { authorizeBearer, execute, executeAgain, openDocs, SCREENSHOTS } from './support/swagger-ui.ts';
import { asBearer, storeToken } from './support/tokens.ts';

// Swagger UI's Authorize button in a real browser (Debian's chromium driven by playwright-core), with the
// store's opt-in auth (config/auth.yaml): a guarded operation is 401 from the page until a bearer token is
// entered through Authorize, then 200. Without a security scheme in the document there is no Authorize
// button and the flow fails at its first click. Screenshots go to test-results/swagger-ui/.

describe('Swagger UI in chromium, store with auth on: the Authorize button', () => {
  let store: StoreSetup;
  let browser: Browser;
  let page: Page;
  let userId: number;
  let token: string;

  beforeAll(async () => {
    store = await startSqliteStore({ auth: asBearer(await storeToken(0, ['admin'])) });
    const user = await store.api.post<{ id: number }>('/users', {
      fullName: 'Ana',
      email: 'ana@example.com',
    });
    expect(user.status).toBe(201);
    userId = user.body.id;
    const address = { label: 'home', street: '1 Main', city: 'Lyon', country: 'FR', zipCode: '69001' };
    expect((await store.api.post(`/users/${userId}/addresses`, address)).status).toBe(201);
    token = await storeToken(userId);
    ({ browser, page } = await openDocs(store.api.baseUrl));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await store?.close();
  });

  it('GET /users/{userId}/addresses: 401 before Authorize, 200 with the bearer token entered through it', async () => {
    const anonymous = await execute(page, 'UserAddresses', 'ListAddresses', {
      params: { userId: String(userId) },
    });
    expect(anonymous.status).toBe('401');
    expect(JSON.parse(anonymous.body)).toMatchObject({ status: 401, code: 'LOOM_UNAUTHORIZED' });
    expect(anonymous.curl).not.toMatch(/authorization: bearer/i);

    await authorizeBearer(page, token);
    expect(await page.locator('.auth-wrapper button.btn.authorize').getAttribute('class')).toMatch(
      /(^|\s)locked(\s|$)/,
    );
    expect(await page.locator('.auth-wrapper button.btn.authorize.unlocked').count()).toBe(0);

    const authorized = await executeAgain(page, 'UserAddresses', 'ListAddresses');
    await page.screenshot({ path: join(SCREENSHOTS, 'authorized-list-addresses.png') });
    expect(authorized.status).toBe('200');
    expect(authorized.curl).toContain(`Bearer ${token}`);
    const page1 = JSON.parse(authorized.body) as { items: { userId: number; label: string }[] };
    expect(page1.items).toMatchObject([{ userId, label: 'home' }]);
  }, 120_000);
});
