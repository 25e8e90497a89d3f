import { autoCrud, restInterface, route } from 'loom-kernel';
import { Product } from './model.ts';
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
  routes: [
    route.get('/low-stock', ListLowStockProducts),
    route.post('/{productId}/jobs/restock-email', DispatchRestockEmail, { status: 202 }),
    route.get('/{productId}/jobs/summary', BuildProductSummaryUseCase),
    route.post('/{productId}/workflows/restock', RestockWorkflow, { status: 202 }),
    route.post('/jobs/sync-erp', SyncProductsToErp, { status: 202 }),
    ...autoCrud(Product),
  ],
});
