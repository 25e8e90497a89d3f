import { describe, expect, it } from 'vitest';
import { expectViolations } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';

/** The body of dummy-loom's pricing benchmark for i = 1, and loom-py's answer to it. */
const BODY = {
  email: ' User1@Example.Com ',
  country: 'ES',
  unit_price: 11.0,
  quantity: 2,
  discount_pct: 1.0,
  coupon_code: 'VIP5',
  vip: false,
};
const PREVIEW = {
  normalizedEmail: 'user1@example.com',
  country: 'ES',
  quantity: 2,
  unitPrice: 11,
  subtotal: 22,
  effectiveDiscountPct: 6,
  discountAmount: 1.32,
  shippingCost: 7.5,
  taxRate: 0.21,
  taxAmount: 4.34,
  total: 32.52,
};

/** The pricing preview: computed fields derived by the server, never taken from the client. */
export function pricingScenarios(suite: Suite): void {
  describe('pricing', () => {
    it('POST /pricing/preview → 200, every derived figure computed', async () => {
      const res = await suite.api.post('/pricing/preview', BODY);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PREVIEW);
    });

    it('computed fields a client sends are ignored: the server’s figures stand', async () => {
      const res = await suite.api.post('/pricing/preview', {
        ...BODY,
        total: 0.01,
        tax_rate: 0,
        subtotal: 1,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(PREVIEW);
    });

    it('rules run on the computed input: all violations in one 422', async () => {
      const res = await suite.api.post('/pricing/preview', {
        ...BODY,
        email: 'nope',
        country: 'XX',
        quantity: 0,
        coupon_code: 'FREE',
      });
      expectViolations(res, [
        { field: 'email', message: 'invalid email' },
        { field: 'country', message: 'unsupported country' },
        { field: 'quantity', message: 'quantity must be between 1 and 1000' },
        { field: 'couponCode', message: 'unknown coupon' },
      ]);
    });

    it('OpenAPI publishes only the client fields of PricingInput', async () => {
      const res = await suite.api.get<{ components: { schemas: Record<string, { properties: object }> } }>(
        '/openapi.json',
      );
      expect(Object.keys(res.body.components.schemas.PricingInput?.properties ?? {}).sort()).toEqual([
        'country',
        'couponCode',
        'discountPct',
        'email',
        'quantity',
        'unitPrice',
        'vip',
      ]);
    });
  });
}
