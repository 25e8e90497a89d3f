import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectNotFound, expectViolations } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { OrderItem, Page } from '../support/wire.ts';

const QUANTITY = { field: 'quantity', message: 'quantity must be greater than zero' };
const PRICE = { field: 'unitPriceCents', message: 'unitPriceCents must be zero or positive' };

/** §9 #49–#51 and the order-item routes of §6. */
export function orderItemScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);

  describe('order items', () => {
    it('quantity 0 and a negative price → one 422 with both violations (#49)', async () => {
      const { order } = await fx.orderWithOwner();
      const product = await fx.product({ stock: 5 });
      const res = await suite.api.post('/order-items/', {
        order_id: order.id,
        product_id: product.id,
        quantity: 0,
        unit_price_cents: -1,
      });
      expectViolations(res, [QUANTITY, PRICE]);
    });

    it('an unknown order → 404 Order (#50); an unknown product → 404 Product', async () => {
      const { order } = await fx.orderWithOwner();
      const product = await fx.product({ stock: 5 });
      const body = { quantity: 1, unit_price_cents: 1 };
      expectNotFound(
        await suite.api.post('/order-items/', { ...body, order_id: 999_999, product_id: product.id }),
        'Order',
        999_999,
      );
      expectNotFound(
        await suite.api.post('/order-items/', { ...body, order_id: order.id, product_id: 999_999 }),
        'Product',
        999_999,
      );
    });

    it('create (snake and camel), get, list by order, patch with the same rules', async () => {
      const { order } = await fx.orderWithOwner();
      const product = await fx.product({ stock: 5 });
      const snake = await fx.orderItem(order.id, product.id, 2);
      expect(snake).toEqual({
        id: expect.any(Number),
        orderId: order.id,
        productId: product.id,
        quantity: 2,
        unitPriceCents: 500,
      });
      const camel = await suite.api.post<OrderItem>('/order-items', {
        orderId: order.id,
        productId: product.id,
        quantity: 1,
        unitPriceCents: 0,
      });
      expect(camel.status).toBe(201);
      expect((await suite.api.get<OrderItem>(`/order-items/${snake.id}`)).body).toEqual(snake);
      const list = await suite.api.get<Page<OrderItem>>(`/order-items/?orderId=${order.id}`);
      expect(list.body).toEqual({
        items: [snake, camel.body],
        totalCount: 2,
        page: 1,
        limit: 50,
        hasNext: false,
      });

      expectViolations(await suite.api.patch(`/order-items/${snake.id}`, { quantity: 0 }), [QUANTITY]);
      const patched = await suite.api.patch<OrderItem>(`/order-items/${snake.id}`, {
        quantity: 3,
        unit_price_cents: 450,
      });
      expect(patched.body).toEqual({ ...snake, quantity: 3, unitPriceCents: 450 });
      expectNotFound(await suite.api.patch('/order-items/999999', { quantity: 1 }), 'OrderItem', 999_999);
    });

    it('DELETE → 200 true, then 404 (#51: not `false`)', async () => {
      const { order } = await fx.orderWithOwner();
      const item = await fx.orderItem(order.id, (await fx.product({ stock: 5 })).id);
      const res = await suite.api.delete(`/order-items/${item.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toBe(true);
      expectNotFound(await suite.api.delete(`/order-items/${item.id}`), 'OrderItem', item.id);
    });
  });
}
