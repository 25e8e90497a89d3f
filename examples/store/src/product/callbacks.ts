import { callbacks, type Invoker, NotFound } from 'loom-kernel';
import { SendRestockEmail } from './jobs.ts';
import { Product } from './model.ts';

/**
 * Appends `-<suffix>` to the product's category, once (a second delivery changes nothing). A product
 * deleted meanwhile is nothing to mark; any other error (database down) fails the callback, which is
 * then retried.
 */
async function appendCategorySuffix(app: Invoker, id: number, suffix: string): Promise<void> {
  const products = app.entity(Product);
  const product = await products.get(id).catch((error: unknown) => {
    if (error instanceof NotFound) return null;
    throw error;
  });
  if (!product || product.category.endsWith(`-${suffix}`)) return;
  await products.update(id, { category: `${product.category}-${suffix}` });
}

/** Restock email outcome: success marks notified products, failure marks the product as failed. */
export const RestockEmailCallbacks = callbacks(SendRestockEmail, {
  name: 'RestockEmailCallbacks',
  onSuccess: async ({ result, context, app }) => {
    if (result) await appendCategorySuffix(app, context.params.productId, 'restock-notified');
  },
  onFailure: async ({ context, app }) => {
    await appendCategorySuffix(app, context.params.productId, 'restock-failed');
  },
});
