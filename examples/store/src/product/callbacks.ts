import { append, callbacks, type Invoker, NotFound } from 'loom-kernel';
import { SendRestockEmail } from './jobs.ts';
import { Product } from './model.ts';

/**
 * Appends `-<suffix>` to the product's category, once (a second delivery changes nothing), in one
 * atomic `UPDATE`: success and failure callbacks racing on the same product both land, none overwrites
 * the other (issue 14). A product deleted meanwhile is nothing to mark (the update finds no row); any
 * other error (database down) fails the callback, which is then retried.
 */
async function appendCategorySuffix(app: Invoker, id: number, suffix: string): Promise<void> {
  await app
    .entity(Product)
    .update(id, { category: append(`-${suffix}`, { once: true }) })
    .catch((error: unknown) => {
      if (!(error instanceof NotFound)) throw error;
    });
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
