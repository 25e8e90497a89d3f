import { describe, expect, it } from 'vitest';
import { Fixtures } from '../support/fixtures.ts';
import { expectInvalidBody, expectNotFound, expectViolations } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import type { Order, Page } from '../support/wire.ts';

const BAD_STATUS = { field: 'status', message: 'status must be one of: cancelled, created, paid, shipped' };

/** §9 #44–#48 and the order routes of §6. */
export function orderScenarios(suite: Suite): void {
  const fx = new Fixtures(suite);

  describe('orders', () => {
    it('POST /orders/ with snake_case ids → 201 with the defaults status=created, paymentMethod=card (#44)', async () => {
      const user = await fx.user();
      const address = await fx.address(user.id);
      const res = await suite.api.post<Order>('/orders/', { user_id: user.id, address_id: address.id });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        userId: user.id,
        addressId: address.id,
        status: 'created',
        paymentMethod: 'card',
      });
      const camel = await suite.api.post<Order>('/orders', {
        userId: user.id,
        addressId: address.id,
        status: 'paid',
        paymentMethod: 'paypal',
      });
      expect(camel.body).toMatchObject({ status: 'paid', paymentMethod: 'paypal' });
    });

    it('an unknown status → 422 with the allowed values (#45)', async () => {
      const user = await fx.user();
      const address = await fx.address(user.id);
      const res = await suite.api.post('/orders/', {
        user_id: user.id,
        address_id: address.id,
        status: 'weird',
      });
      expectViolations(res, [BAD_STATUS]);
    });

    it('an unknown user or address → 404 before any rule runs (#46)', async () => {
      const user = await fx.user();
      const address = await fx.address(user.id);
      const unknownUser = await suite.api.post('/orders/', {
        user_id: 999_999,
        address_id: address.id,
        status: 'weird',
      });
      expectNotFound(unknownUser, 'User', 999_999);
      const unknownAddress = await suite.api.post('/orders/', { user_id: user.id, address_id: 999_999 });
      expectNotFound(unknownAddress, 'Address', 999_999);
    });

    it("Bruno's body without user_id → 422 naming userId, not 500 (#47)", async () => {
      const res = await suite.api.post('/orders/', {
        address_id: 1,
        status: 'created',
        payment_method: 'card',
      });
      expectInvalidBody(res, 'userId');
    });

    it('PATCH: unknown order → 404 whatever the status (#48: loads precede rules); bad status → 422; paid → 200', async () => {
      expectNotFound(await suite.api.patch('/orders/999999', { status: 'paid' }), 'Order', 999_999);
      expectNotFound(await suite.api.patch('/orders/999999', { status: 'x' }), 'Order', 999_999);
      const { order } = await fx.orderWithOwner();
      expectViolations(await suite.api.patch(`/orders/${order.id}`, { status: 'x' }), [BAD_STATUS]);
      const paid = await suite.api.patch<Order>(`/orders/${order.id}`, {
        status: 'paid',
        payment_method: 'transfer',
      });
      expect(paid.status).toBe(200);
      expect(paid.body).toMatchObject({ id: order.id, status: 'paid', paymentMethod: 'transfer' });
    });

    it('GET /orders/ → the offset envelope (interface default) with filters; GET by id; 404', async () => {
      const { user, order } = await fx.orderWithOwner();
      const list = await suite.api.get<Page<Order>>(`/orders/?user_id=${user.id}`);
      expect(list.body).toEqual({ items: [order], totalCount: 1, page: 1, limit: 50, hasNext: false });
      expect((await suite.api.get<Order>(`/orders/${order.id}`)).body).toEqual(order);
      expectNotFound(await suite.api.get('/orders/999999'), 'Order', 999_999);
    });

    it('DELETE → 200 true, cascading to its items; again → 404', async () => {
      const { order } = await fx.orderWithOwner();
      const item = await fx.orderItem(order.id, (await fx.product({ stock: 3 })).id);
      const res = await suite.api.delete(`/orders/${order.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toBe(true);
      expectNotFound(await suite.api.get(`/order-items/${item.id}`), 'OrderItem', item.id);
      expectNotFound(await suite.api.delete(`/orders/${order.id}`), 'Order', order.id);
    });
  });
}
