import { column, type Infer, model } from 'loom-kernel';
import { Order } from '../order/model.ts';
import { Product } from '../product/model.ts';

export const OrderItem = model('order_items', {
  id: column.int().primaryKey().autoIncrement(),
  orderId: column.int().references(() => Order.id, { onDelete: 'cascade' }),
  productId: column.int().references(() => Product.id, { onDelete: 'restrict' }),
  quantity: column.int(),
  unitPriceCents: column.int(),
});
export type OrderItem = Infer<typeof OrderItem>;
