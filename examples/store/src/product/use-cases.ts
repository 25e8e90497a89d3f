import { command, loadById, t, useCase, where, withDefault } from 'loom-kernel';
import { RestockEmailCallbacks } from './callbacks.ts';
import { BuildProductSummary, SendRestockEmail, SyncProductToErp } from './jobs.ts';
import { Products } from './repository.ts';

/**
 * Stock ≤ `maxStock` (default 5), lowest first, the first `limit` (default 20), offset envelope. Both
 * come from the query string (`?max_stock=5&limit=10`, as dummy-loom's test sends them).
 */
export const ListLowStockProducts = useCase(Products, {
  name: 'ListLowStockProducts',
  summary: 'List low stock products',
  readOnly: true,
  params: {
    maxStock: t.Integer({ minimum: 0, default: 5 }),
    limit: t.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  },
  execute: ({ params, repo }) =>
    repo.list({
      filter: where('stock', 'lte', params.maxStock),
      sort: [
        { field: 'stock', direction: 'asc' },
        { field: 'id', direction: 'asc' },
      ],
      pagination: { mode: 'offset', page: 1, limit: params.limit },
    }),
});

export const RestockEmailRequest = command(
  { recipientEmail: t.String({ maxLength: 255 }), forceFail: withDefault(t.Boolean(), false) },
  { name: 'RestockEmailRequest' },
);

/** 202 { jobId, queue }: the email job is dispatched after commit, with its callbacks. */
export const DispatchRestockEmail = useCase(Products, {
  name: 'DispatchRestockEmail',
  summary: 'Dispatch a restock email job',
  params: { productId: t.Integer() },
  input: RestockEmailRequest,
  load: { product: loadById(Products.model, { by: 'productId' }) },
  // Boot checks that the jobs dispatched here are registered (a missing module fails the start).
  dispatches: [SendRestockEmail],
  execute: ({ params, input, jobs }) =>
    jobs.dispatch(SendRestockEmail, { params, payload: input, callbacks: RestockEmailCallbacks }),
});

/** Runs the summary job inline. */
export const BuildProductSummaryUseCase = useCase(Products, {
  name: 'GetProductSummary',
  summary: 'Build a product summary (runs the job inline)',
  params: { productId: t.Integer() },
  readOnly: true,
  execute: async ({ params, jobs }) => ({
    productId: params.productId,
    summary: await jobs.run(BuildProductSummary, { params }),
  }),
});

/** Summary (nested use case, same transaction), then the restock email with callbacks. */
export const RestockWorkflow = useCase(Products, {
  name: 'RestockWorkflow',
  summary: 'Run the restock workflow',
  params: { productId: t.Integer() },
  input: RestockEmailRequest,
  dispatches: [SendRestockEmail],
  execute: async ({ params, input, app, jobs }) => {
    const { summary } = await app.invoke(BuildProductSummaryUseCase, { params });
    const { jobId, queue } = await jobs.dispatch(SendRestockEmail, {
      params,
      payload: input,
      callbacks: RestockEmailCallbacks,
    });
    return { summary, restockJobId: jobId, queue };
  },
});

export const SyncProductsToErpRequest = command(
  {
    // One job per id: the list is capped so one request cannot enqueue unbounded work.
    productIds: t.Array(t.Integer({ minimum: 1 }), { maxItems: 500 }),
    forceFailIds: withDefault(t.Array(t.Integer(), { maxItems: 500 }), []),
  },
  { name: 'SyncProductsToErpRequest' },
);

export const SyncProductsToErp = useCase(Products, {
  name: 'SyncProductsToErp',
  summary: 'Dispatch one ERP sync job per product',
  input: SyncProductsToErpRequest,
  rules: ({ check }) => [
    check('productIds', (ids) => ids.length > 0 || 'productIds must include at least one product'),
  ],
  dispatches: [SyncProductToErp],
  execute: async ({ input, jobs }) => {
    const jobIds: string[] = [];
    for (const productId of input.productIds) {
      const r = await jobs.dispatch(SyncProductToErp, {
        params: { productId },
        payload: { forceFail: input.forceFailIds.includes(productId) },
      });
      jobIds.push(r.jobId);
    }
    return { dispatched: jobIds.length, jobIds };
  },
});
