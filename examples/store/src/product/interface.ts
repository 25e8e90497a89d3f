import { autoCrud, restInterface, route } from 'loom-kernel';
import {
  ErpSyncDispatched,
  JobDispatched,
  ProductSummary,
  RestockWorkflowResult,
} from '../shared/responses.ts';
import { Product } from './model.ts';
import { AddProductTags, RemoveProductTag, SetProductTags } from './tag-use-cases.ts';
import {
  BuildProductSummaryUseCase,
  DispatchRestockEmail,
  ListLowStockProducts,
  RestockWorkflow,
  SyncProductsToErp,
} from './use-cases.ts';

export const ProductApi = restInterface(Product, {
  prefix: '/products',
  tags: ['Products'],
  pagination: 'cursor',
  // GET /products and /products/{id} read `?profile=with_tags` (the product's tags) on request.
  profiles: ['with_tags'],
  routes: [
    route.get('/low-stock', ListLowStockProducts, { response: 'offset-page' }),
    route.post('/{productId}/jobs/restock-email', DispatchRestockEmail, {
      status: 202,
      response: JobDispatched,
    }),
    route.get('/{productId}/jobs/summary', BuildProductSummaryUseCase, { response: ProductSummary }),
    route.post('/{productId}/workflows/restock', RestockWorkflow, {
      status: 202,
      response: RestockWorkflowResult,
    }),
    route.post('/jobs/sync-erp', SyncProductsToErp, { status: 202, response: ErpSyncDispatched }),
    route.put('/{productId}/tags', SetProductTags, { response: 'entity' }),
    route.post('/{productId}/tags', AddProductTags, { response: 'entity' }),
    route.delete('/{productId}/tags/{tagId}', RemoveProductTag, { response: 'entity' }),
    ...autoCrud(Product),
  ],
});
