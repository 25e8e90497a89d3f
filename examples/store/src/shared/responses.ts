/** Response bodies of the store's custom routes that are not entities or pages. */
import { t } from 'loom-kernel';

/** `202` of a route that dispatches a job: the job's id and queue. */
export const JobDispatched = t.Object(
  { jobId: t.String({ description: 'Id of the dispatched job' }), queue: t.String() },
  { title: 'JobDispatched' },
);

/** `200 true`: the row was deleted (a missing row is a 404). */
export const Deleted = t.Literal(true, { description: 'The row was deleted.' });

/** `GET /products/{productId}/jobs/summary`: the summary job's result, run inline. */
export const ProductSummary = t.Object(
  { productId: t.Integer(), summary: t.String() },
  { title: 'ProductSummary' },
);

/** `POST /products/{productId}/workflows/restock`: the summary and the dispatched email job. */
export const RestockWorkflowResult = t.Object(
  { summary: t.String(), restockJobId: t.String(), queue: t.String() },
  { title: 'RestockWorkflowResult' },
);

/** `POST /products/jobs/sync-erp`: one job per product id. */
export const ErpSyncDispatched = t.Object(
  { dispatched: t.Integer({ minimum: 0 }), jobIds: t.Array(t.String()) },
  { title: 'ErpSyncDispatched' },
);
