import { column, type Infer, model } from 'loom-kernel';
import { Address } from '../address/model.ts';
import { User } from '../user/model.ts';

export const ORDER_STATUSES = ['cancelled', 'created', 'paid', 'shipped'] as const;

export const Order = model(
  'orders',
  {
    id: column.int().primaryKey().autoIncrement(),
    userId: column.int().references(() => User.id, { onDelete: 'cascade' }),
    addressId: column.int().references(() => Address.id, { onDelete: 'restrict' }),
    status: column.string(40).default('created').index(),
    paymentMethod: column.string(60).default('card'),
  },
  { timestamps: true },
);
export type Order = Infer<typeof Order>;
