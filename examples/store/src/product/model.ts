import { column, type Infer, model, relation } from 'loom-kernel';
import { ProductTag, Tag } from '../tag/model.ts';

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
  {
    timestamps: true,
    relations: {
      // Read with `?profile=with_tags`; maintained by the tag routes (tag-use-cases.ts).
      tags: relation.manyToMany(() => Tag, { through: () => ProductTag, profiles: ['withTags'] }),
    },
  },
);
export type Product = Infer<typeof Product>;
