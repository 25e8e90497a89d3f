import { command, exists, loadById, NotFound, patch, t, useCase } from 'loom-kernel';
import { Order } from '../order/model.ts';
import { Product } from '../product/model.ts';
import { OrderItem } from './model.ts';

const positive = (quantity: number) => quantity > 0 || 'quantity must be greater than zero';
const notNegative = (cents: number) => cents >= 0 || 'unitPriceCents must be zero or positive';

export const CreateOrderItem = command(
  { orderId: t.Integer(), productId: t.Integer(), quantity: t.Integer(), unitPriceCents: t.Integer() },
  { name: 'CreateOrderItem' },
);

export const UpdateOrderItem = command(
  { quantity: patch(t.Integer()), unitPriceCents: patch(t.Integer()) },
  { name: 'UpdateOrderItem' },
);

export const CreateOrderItemUseCase = useCase(OrderItem, {
  name: 'CreateOrderItem',
  summary: 'Add an item to an order',
  input: CreateOrderItem,
  load: {
    order: exists(Order, { from: 'input.orderId', against: 'id', onMissing: 'raise' }),
    product: exists(Product, { from: 'input.productId', against: 'id', onMissing: 'raise' }),
  },
  rules: ({ check }) => [check('quantity', positive), check('unitPriceCents', notNegative)],
  execute: ({ input, repo }) => repo.create(input),
});

export const UpdateOrderItemUseCase = useCase(OrderItem, {
  name: 'UpdateOrderItem',
  summary: 'Update an order item',
  params: { id: t.Integer() },
  input: UpdateOrderItem,
  load: { item: loadById(OrderItem, { by: 'id' }) },
  rules: ({ check }) => [check('quantity', positive), check('unitPriceCents', notNegative)],
  execute: async ({ params, input, repo }) => {
    const updated = await repo.update(params.id, input);
    if (!updated) throw new NotFound('OrderItem', params.id);
    return updated;
  },
});
