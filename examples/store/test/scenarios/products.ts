import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectBadParameter, expectInvalidBody, expectNotFound, expectProblem } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { CursorPage, Page, Product } from '../support/wire.ts';

/** §9 #30–#39 and the product routes of §6: auto-CRUD (cursor by default), low stock, summary. */
export function productScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);

  describe('products', () => {
    it('POST /products/ with snake_case → 201 (#30); the custom repository trims the name', async () => {
      const sku = suite.unique('SKU');
      const res = await suite.api.post<Product>('/products/', {
        sku,
        name: '  Keyboard ',
        category: 'peripherals',
        price_cents: 9900,
        stock: 10,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        sku,
        name: 'Keyboard',
        category: 'peripherals',
        priceCents: 9900,
        stock: 10,
      });
      expect(Object.keys(res.body).sort()).toEqual([
        'category',
        'createdAt',
        'id',
        'name',
        'priceCents',
        'sku',
        'stock',
        'updatedAt',
      ]);
    });

    it('a duplicate SKU → 409 LOOM_CONFLICT (#31)', async () => {
      const product = await fx.product({ stock: 1 });
      const res = await suite.api.post('/products/', {
        sku: product.sku,
        name: 'Again',
        category: 'x',
        price_cents: 1,
        stock: 1,
      });
      expectProblem(res, 409, 'LOOM_CONFLICT');
    });

    it('camelCase body with stock 0 → 201, stock 0 present (#32)', async () => {
      const res = await suite.api.post<Product>('/products', {
        sku: suite.unique('SKU'),
        name: 'Cable',
        category: 'accessories',
        priceCents: 1299,
        stock: 0,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ priceCents: 1299, stock: 0 });
    });

    it('bad bodies → 422 naming the field: missing, wrong type, fractional cents', async () => {
      expectInvalidBody(
        await suite.api.post('/products/', { sku: suite.unique('S'), name: 'n', category: 'c', stock: 1 }),
        'priceCents',
      );
      const base = { sku: suite.unique('S'), name: 'n', category: 'c', stock: 1 };
      expectInvalidBody(await suite.api.post('/products/', { ...base, price_cents: '12' }), 'priceCents');
      expectInvalidBody(await suite.api.post('/products/', { ...base, price_cents: 1.5 }), 'priceCents');
    });

    it('GET /products/ → the cursor envelope by default (#33); ?pagination=offset → the offset one (#34)', async () => {
      const category = suite.unique('cat');
      const items = [await fx.product({ stock: 10, category }), await fx.product({ stock: 0, category })];
      const cursor = await suite.api.get<CursorPage<Product>>(`/products/?category=${category}`);
      expect(cursor.body).toEqual({ items, nextCursor: null, hasNext: false });
      const offset = await suite.api.get<Page<Product>>(
        `/products/?category=${category}&pagination=offset&limit=1`,
      );
      expect(offset.body).toEqual({
        items: items.slice(0, 1),
        totalCount: 2,
        page: 1,
        limit: 1,
        hasNext: true,
      });
    });

    it('filters on numbers, camel and snake names (#35)', async () => {
      const category = suite.unique('cat');
      const keyboard = await fx.product({ stock: 10, category, priceCents: 9900 });
      await fx.product({ stock: 20, category, priceCents: 1299 });
      const ids = async (query: string) =>
        (await suite.api.get<CursorPage<Product>>(`/products/?category=${category}&${query}`)).body.items.map(
          (p) => p.id,
        );
      expect(await ids('stock__lte=10')).toEqual([keyboard.id]);
      expect(await ids('price_cents__eq=9900')).toEqual([keyboard.id]);
      expect(await ids('priceCents__gt=5000')).toEqual([keyboard.id]);
      expectBadParameter(await suite.api.get('/products/?stock__lte=many'), 'stock__lte');
    });

    it('PATCH stock → 200 (#36); unknown id → 404 Product; taken SKU → 409; null → 422', async () => {
      const [product, other] = [await fx.product({ stock: 10 }), await fx.product({ stock: 1 })];
      const res = await suite.api.patch<Product>(`/products/${product.id}`, { stock: 80 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: product.id,
        stock: 80,
        sku: product.sku,
        category: product.category,
      });
      expectNotFound(await suite.api.patch('/products/999999', { stock: 1 }), 'Product', 999_999);
      expectProblem(
        await suite.api.patch(`/products/${other.id}`, { sku: product.sku }),
        409,
        'LOOM_CONFLICT',
      );
      expectInvalidBody(await suite.api.patch(`/products/${product.id}`, { stock: null }), 'stock');
      expect((await suite.api.get<Product>(`/products/${product.id}`)).body.stock).toBe(80);
    });

    it('GET /products/low-stock → stock ≤ 5 only, lowest stock first (id breaks ties), offset page 1 of 20 (#37)', async () => {
      const category = suite.unique('low');
      const five = await fx.product({ stock: 5, category });
      const two = await fx.product({ stock: 2, category });
      const plenty = await fx.product({ stock: 50, category });
      const res = await suite.api.get<Page<Product>>('/products/low-stock');
      expect(res.status).toBe(200);
      // The same rows as the generic list asked the same question (sort=stock keys on (stock, id)).
      const same = await suite.api.get<Page<Product>>(
        '/products/?stock__lte=5&sort=stock&pagination=offset&limit=20',
      );
      expect(res.body).toEqual(same.body);
      expect(res.body).toMatchObject({ page: 1, limit: 20 });
      expect(res.body.items.every((p) => p.stock <= 5)).toBe(true);
      const mine = res.body.items.filter((p) => p.category === category).map((p) => p.id);
      expect(mine).toEqual([two.id, five.id]);
      expect(res.body.items.map((p) => p.id)).not.toContain(plenty.id);
    });

    it("low-stock takes max_stock and limit from the query, as dummy-loom's test sends them", async () => {
      const category = suite.unique('lowq');
      const one = await fx.product({ stock: 1, category });
      const three = await fx.product({ stock: 3, category });
      const res = await suite.api.get<Page<Product>>('/products/low-stock?max_stock=5&limit=10');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ page: 1, limit: 10 });
      expect(res.body.items.length).toBeLessThanOrEqual(10);
      expect(res.body.items.every((p) => p.stock <= 5)).toBe(true);
      const capped = await suite.api.get<Page<Product>>('/products/low-stock?maxStock=2&limit=1000');
      const mine = capped.body.items.filter((p) => p.category === category).map((p) => p.id);
      expect(mine).toEqual([one.id]);
      expect(capped.body.items.every((p) => p.stock <= 2)).toBe(true);
      const wide = await suite.api.get<Page<Product>>('/products/low-stock?max_stock=3&limit=1000');
      expect(wide.body.items.filter((p) => p.category === category).map((p) => p.id)).toEqual([
        one.id,
        three.id,
      ]);
    });

    it('low-stock: a bad limit or max_stock is a 400 naming it; a near miss is a 400 with a suggestion; a cache-buster passes', async () => {
      expectBadParameter(await suite.api.get('/products/low-stock?limit=0'), 'limit');
      expectBadParameter(await suite.api.get('/products/low-stock?max_stock=lots'), 'maxStock');
      expectBadParameter(await suite.api.get('/products/low-stock?max_stok=3'), 'max_stok');
      const busted = await suite.api.get<Page<Product>>('/products/low-stock?_=1733400000&utm_source=mail');
      expect(busted.status).toBe(200);
    });

    it('GET /products/{id}/jobs/summary runs the summary job inline (#38); 404 (#39); 400 for a non-numeric id', async () => {
      const product = await fx.product({
        stock: 0,
        name: 'Cable',
        category: 'accessories',
        priceCents: 1299,
      });
      const res = await suite.api.get(`/products/${product.id}/jobs/summary`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        productId: product.id,
        summary: `Product ${product.sku} (Cable) in category accessories costs 1299 cents and is out of stock.`,
      });
      const inStock = await fx.product({ stock: 3 });
      const summary = await suite.api.get<{ summary: string }>(`/products/${inStock.id}/jobs/summary`);
      expect(summary.body.summary).toMatch(/ and is in stock\.$/);
      expectNotFound(await suite.api.get('/products/999999/jobs/summary'), 'Product', 999_999);
      expectBadParameter(await suite.api.get('/products/abc/jobs/summary'), 'productId');
    });

    it('DELETE → 200 true, then 404; a product on an order item → 409 (RESTRICT) and stays', async () => {
      const product = await fx.product({ stock: 1 });
      const res = await suite.api.delete(`/products/${product.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toBe(true);
      expectNotFound(await suite.api.get(`/products/${product.id}`), 'Product', product.id);
      expectNotFound(await suite.api.delete(`/products/${product.id}`), 'Product', product.id);

      const ordered = await fx.product({ stock: 1 });
      const { order } = await fx.orderWithOwner();
      await fx.orderItem(order.id, ordered.id);
      expectProblem(await suite.api.delete(`/products/${ordered.id}`), 409, 'LOOM_CONFLICT');
      expect((await suite.api.get(`/products/${ordered.id}`)).status).toBe(200);
    });
  });
}
