import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import type { Suite } from '../support/suite-context.ts';
import type { Address, Order, OrderItem, Page, Product, User, WorkflowReceipt } from '../support/wire.ts';

/** dummy-loom's Bruno collection `01-store-flow`, fixed (the order names its user), end to end. */
export function storeFlowScenario(suite: Suite): void {
  describe('store flow', () => {
    it('user → address → product → order → item → restock workflow → the category is marked', async () => {
      const { api } = suite;
      const user = await api.post<User>('/users/', {
        full_name: 'Flow Buyer',
        email: `${suite.unique('flow')}@example.com`,
      });
      expect(user.status).toBe(201);
      const address = await api.post<Address>(`/users/${user.body.id}/addresses/`, {
        label: 'home',
        street: 'Gran Via 1',
        city: 'Madrid',
        country: 'ES',
        zip_code: '28013',
      });
      expect(address.status).toBe(201);
      const product = await api.post<Product>('/products/', {
        sku: suite.unique('FLOW'),
        name: 'Lamp',
        category: 'lighting',
        price_cents: 4500,
        stock: 0,
      });
      expect(product.status).toBe(201);
      const order = await api.post<Order>('/orders/', {
        user_id: user.body.id,
        address_id: address.body.id,
        payment_method: 'card',
      });
      expect(order.status).toBe(201);
      const item = await api.post<OrderItem>('/order-items/', {
        order_id: order.body.id,
        product_id: product.body.id,
        quantity: 2,
        unit_price_cents: 4500,
      });
      expect(item.status).toBe(201);

      const workflow = await api.post<WorkflowReceipt>(`/products/${product.body.id}/workflows/restock`, {
        recipientEmail: 'buyer@example.com',
      });
      expect(workflow.status).toBe(202);
      expect(workflow.body.summary).toContain('is out of stock');
      const marked = await eventually(async () => {
        const p = await api.get<Product>(`/products/${product.body.id}`);
        return p.body.category === 'lighting-restock-notified' ? p.body : undefined;
      }, 'the lighting-restock-notified category');
      expect(marked.stock).toBe(0);

      const items = await api.get<Page<OrderItem>>(`/order-items/?order_id=${order.body.id}`);
      expect(items.body.items).toEqual([item.body]);
    });
  });
}
