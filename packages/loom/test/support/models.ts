import { column, model } from '../support/internals.ts';

/** Owners and pets: unique columns, timestamps and a restricting foreign key. */
export const Owner = model(
  'owners',
  {
    id: column.int().primaryKey().autoIncrement(),
    fullName: column.string(120),
    email: column.string(255).unique().index(),
    zipCode: column.string(10).nullable(),
  },
  { timestamps: true },
);

export const Pet = model('pets', {
  id: column.int().primaryKey().autoIncrement(),
  ownerId: column.int().references(() => Owner.id, { onDelete: 'restrict' }),
  name: column.string(80),
  tag: column.string(20).unique().nullable(),
});

/** A pet's toys go with it. */
export const Toy = model('toys', {
  id: column.int().primaryKey().autoIncrement(),
  petId: column.int().references(() => Pet.id, { onDelete: 'cascade' }),
  label: column.string(40),
});

/** The loom-py repository checks' item table (§16.2, 21–26). */
export const Item = model('items', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
  price: column.float().default(0),
});

/** Every filter operator and type conversion runs against products. */
export const Product = model('products', {
  id: column.int().primaryKey().autoIncrement(),
  name: column.string(80),
  sku: column.string(32).unique(),
  category: column.string(40).nullable(),
  zipCode: column.string(10),
  stock: column.int(),
  price: column.float(),
  active: column.boolean().default(true),
  launchedAt: column.datetime().nullable(),
  attributes: column.json<{ color: string }>().nullable(),
});

export const CURSOR_SECRET = 'test-cursor-secret';
