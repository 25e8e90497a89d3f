import { column, type Infer, model } from 'loom-kernel';

export const Product = model(
  'products',
  {
    id: column.int().primaryKey().autoIncrement(),
    sku: column.string(64).unique(),
    name: column.string(150),
    category: column.string(120).index(),
    priceCents: column.int(),
    stock: column.int(),
  },
  { timestamps: true },
);
export type Product = Infer<typeof Product>;
