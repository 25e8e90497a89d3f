import { column, model } from '../support/internals.ts';

/** A versioned model with a column of each kind atomic changes apply to (and one they do not). */
export const Stock = model(
  'stocks',
  {
    id: column.int().primaryKey().autoIncrement(),
    sku: column.string(12),
    label: column.string(20),
    notes: column.text().nullable(),
    quantity: column.int(),
    reserved: column.int().nullable(),
    big: column.bigint().default(0),
    weight: column.float().default(0),
    price: column.decimal(10, 2).default('0.00'),
    active: column.boolean().default(true),
  },
  { version: true, timestamps: true },
);

/** The same without a version column. */
export const Plain = model('plains', {
  id: column.int().primaryKey().autoIncrement(),
  label: column.string(40),
  quantity: column.int(),
});
