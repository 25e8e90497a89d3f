import { command, job, loadById, t, withDefault } from 'loom-kernel';
import { Product } from './model.ts';

export const SendRestockEmailCommand = command(
  { recipientEmail: t.String({ maxLength: 255 }), forceFail: withDefault(t.Boolean(), false) },
  { name: 'SendRestockEmail' },
);

/** "Sends" a restock email: true when the product is out of stock (someone was notified). */
export const SendRestockEmail = job({
  name: 'SendRestockEmail',
  queue: 'notifications',
  params: { productId: t.Integer() },
  input: SendRestockEmailCommand,
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: ({ input, load }) => {
    if (input.forceFail) throw new Error('forced restock email failure');
    return load.product.stock === 0;
  },
});

export const BuildProductSummary = job({
  name: 'BuildProductSummary',
  queue: 'analytics',
  params: { productId: t.Integer() },
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: ({ load: { product: p } }) =>
    `Product ${p.sku} (${p.name}) in category ${p.category} costs ${p.priceCents} cents and is ${
      p.stock > 0 ? 'in stock' : 'out of stock'
    }.`,
});

export const SyncProductToErpCommand = command(
  { forceFail: withDefault(t.Boolean(), false) },
  { name: 'SyncProductToErp' },
);

export const SyncProductToErp = job({
  name: 'SyncProductToErp',
  queue: 'erp',
  params: { productId: t.Integer() },
  input: SyncProductToErpCommand,
  load: { product: loadById(Product, { by: 'productId' }) },
  execute: ({ params, input }) => {
    if (input.forceFail) throw new Error(`forced ERP sync failure for product ${params.productId}`);
    return true;
  },
});
