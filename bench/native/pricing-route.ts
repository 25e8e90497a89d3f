import type { FastifyInstance } from 'fastify';
import { type PricingInput, pricePreview } from './pricing.ts';
import { HttpProblem } from './problem.ts';

const num = { type: 'number' } as const;
const coupon = { type: ['string', 'null'], maxLength: 32 } as const;

/** Each field in its camelCase and snake_case spelling (the wire contract accepts both). */
const bodySchema = {
  type: 'object',
  properties: {
    email: { type: 'string', maxLength: 320 },
    country: { type: 'string', minLength: 2, maxLength: 8 },
    unitPrice: num,
    unit_price: num,
    quantity: { type: 'integer' },
    discountPct: { type: 'number', minimum: 0, maximum: 100 },
    discount_pct: { type: 'number', minimum: 0, maximum: 100 },
    couponCode: coupon,
    coupon_code: coupon,
    vip: { type: 'boolean' },
  },
  required: ['email', 'country', 'quantity'],
} as const;

interface PricingBody {
  email: string;
  country: string;
  unitPrice?: number;
  unit_price?: number;
  quantity: number;
  discountPct?: number;
  discount_pct?: number;
  couponCode?: string | null;
  coupon_code?: string | null;
  vip?: boolean;
}

const money = { type: 'number' } as const;
const responseSchema = {
  type: 'object',
  properties: {
    normalizedEmail: { type: 'string' },
    country: { type: 'string' },
    quantity: { type: 'integer' },
    unitPrice: money,
    subtotal: money,
    effectiveDiscountPct: money,
    discountAmount: money,
    shippingCost: money,
    taxRate: money,
    taxAmount: money,
    total: money,
  },
} as const;

function toInput(body: PricingBody): PricingInput {
  const unitPrice = body.unitPrice ?? body.unit_price;
  if (unitPrice === undefined) {
    throw new HttpProblem({
      title: 'Unprocessable Content',
      status: 422,
      detail: 'unitPrice is required',
      code: 'validation_error',
      violations: [{ field: 'unitPrice', message: 'required' }],
    });
  }
  return {
    email: body.email,
    country: body.country,
    unitPrice,
    quantity: body.quantity,
    discountPct: body.discountPct ?? body.discount_pct ?? 0,
    couponCode: body.couponCode ?? body.coupon_code ?? null,
    vip: body.vip ?? false,
  };
}

/** `POST /bench/pricing/preview`: computes and rules over the body, no database. */
export function registerPricingRoute(app: FastifyInstance): void {
  app.post<{ Body: PricingBody }>(
    '/bench/pricing/preview',
    { schema: { body: bodySchema, response: { 200: responseSchema } } },
    async (request) => {
      const result = pricePreview(toInput(request.body));
      if (!result.ok) {
        throw new HttpProblem({
          title: 'Unprocessable Content',
          status: 422,
          detail: 'pricing rules failed',
          code: 'rule_violation',
          violations: result.violations,
        });
      }
      return result.value;
    },
  );
}
