import { type ColumnRef, column, type Infer, model } from 'loom-kernel';
import { Product } from '../product/model.ts';

/** A tag products may carry (many-to-many, through {@link ProductTag}). */
export const Tag = model('tags', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(60).unique(),
});
export type Tag = Infer<typeof Tag>;

/**
 * The link of products and tags: one row per tagged pair, removed with either side. Its key back to the
 * product is annotated, as Product declares a relation through this model (an initializer cycle).
 */
export const ProductTag = model(
  'product_tags',
  {
    id: column.int().primaryKey().autoIncrement(),
    productId: column
      .int()
      .references((): ColumnRef => Product.id, { onDelete: 'cascade' })
      .index(),
    tagId: column
      .int()
      .references(() => Tag.id, { onDelete: 'cascade' })
      .index(),
  },
  { indexes: [{ fields: ['productId', 'tagId'], unique: true }] },
);
