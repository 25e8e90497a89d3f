import { column, type Infer, model } from 'loom-kernel';

export const User = model(
  'users',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique().index(),
  },
  { timestamps: true },
);
export type User = Infer<typeof User>;
