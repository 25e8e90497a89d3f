import { column, type Infer, model } from 'loom-kernel';
import { User } from '../user/model.ts';

export const Address = model('addresses', {
  id: column.int().primaryKey().autoIncrement(),
  userId: column
    .int()
    .references(() => User.id, { onDelete: 'cascade' })
    .index(),
  label: column.string(80),
  street: column.string(255),
  city: column.string(120),
  country: column.string(120),
  zipCode: column.string(20),
});
export type Address = Infer<typeof Address>;
