import { restInterface, route } from 'loom-kernel';
import { PreviewPricing, PricingPreview } from './use-cases.ts';

/** Pricing operations: no model behind them. */
export const PricingApi = restInterface(null, {
  prefix: '/pricing',
  tags: ['Pricing'],
  routes: [route.post('/preview', PreviewPricing, { status: 200, response: PricingPreview })],
});
