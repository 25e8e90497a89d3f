import {
  command,
  computed,
  restInterface,
  route,
  t,
  useCase,
  withDefault,
} from '../../packages/loom/test/support/internals.ts';

/**
 * The pricing preview of dummy-loom's benchmark as a loom use case: ten computes on `computed` fields, then five rules (all
 * run, one 422 with every violation), no database. The figures are those of the native app
 * (`native/pricing.ts`): the same constants, the same rounding at each step.
 */
export const TAX_RATES: Readonly<Record<string, number>> = { US: 0.08, ES: 0.21, DE: 0.19, FR: 0.2 };
export const COUPON_BONUS: Readonly<Record<string, number>> = { VIP5: 5, WELCOME10: 10, SHIPFREE: 0 };
const FREE_SHIPPING_FROM = 100;
const SHIPPING_COST = 7.5;
const MAX_DISCOUNT_PCT = 90;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};
const bonusOf = (coupon: string | null | undefined): number =>
  coupon === null || coupon === undefined ? 0 : (COUPON_BONUS[coupon] ?? 0);

/**
 * The body (camelCase or snake_case keys: seven client fields) plus the eight fields the computes derive,
 * declared `computed`: absent from the request schema and OpenAPI, never parsed, and ignored when a
 * client sends them (docs/decisions/0015-server-owned-fields.md).
 */
export const PricingInput = command(
  {
    email: t.String({ maxLength: 320 }),
    country: t.String({ minLength: 2, maxLength: 8 }),
    unitPrice: t.Number(),
    quantity: t.Integer(),
    discountPct: withDefault(t.Number({ minimum: 0, maximum: 100 }), 0),
    couponCode: withDefault(t.Union([t.String({ maxLength: 32 }), t.Null()]), null),
    vip: withDefault(t.Boolean(), false),
    normalizedEmail: computed(t.String()),
    effectiveDiscountPct: computed(t.Number()),
    subtotal: computed(t.Number()),
    discountAmount: computed(t.Number()),
    taxable: computed(t.Number()),
    shippingCost: computed(t.Number()),
    taxRate: computed(t.Number()),
    taxAmount: computed(t.Number()),
    total: computed(t.Number()),
  },
  { name: 'PricingInput' },
);

const money = t.Number();
/** The 200 body. */
export const PricingPreview = t.Object(
  {
    normalizedEmail: t.String(),
    country: t.String(),
    quantity: t.Integer(),
    unitPrice: money,
    subtotal: money,
    effectiveDiscountPct: money,
    discountAmount: money,
    shippingCost: money,
    taxRate: money,
    taxAmount: money,
    total: money,
  },
  { title: 'PricingPreview' },
);

const n = (value: number | undefined): number => value ?? 0;

/** `POST /bench/pricing/preview`. */
export const PreviewPricing = useCase(null, {
  name: 'previewPricing',
  summary: 'Price an order line: tax by country, coupons, VIP, shipping',
  input: PricingInput,
  readOnly: true,
  computes: ({ set }) => [
    set('normalizedEmail', ({ input }) => input.email.trim().toLowerCase()),
    set('country', ({ input }) => input.country.trim().toUpperCase()),
    set('effectiveDiscountPct', ({ input }) =>
      round(
        Math.min(MAX_DISCOUNT_PCT, input.discountPct + bonusOf(input.couponCode) + (input.vip ? 2 : 0)),
        2,
      ),
    ),
    set('subtotal', ({ input }) => round(input.unitPrice * input.quantity, 2)),
    set('discountAmount', ({ input }) => round((n(input.subtotal) * n(input.effectiveDiscountPct)) / 100, 2)),
    set('taxable', ({ input }) => round(n(input.subtotal) - n(input.discountAmount), 2)),
    set('shippingCost', ({ input }) =>
      n(input.taxable) >= FREE_SHIPPING_FROM || input.couponCode === 'SHIPFREE' ? 0 : SHIPPING_COST,
    ),
    set('taxRate', ({ input }) => round(TAX_RATES[input.country] ?? 0, 4)),
    set('taxAmount', ({ input }) => round(n(input.taxable) * n(input.taxRate), 2)),
    set('total', ({ input }) => round(n(input.taxable) + n(input.shippingCost) + n(input.taxAmount), 2)),
  ],
  rules: ({ check }) => [
    check('normalizedEmail', (email) => EMAIL.test(email) || { field: 'email', message: 'invalid email' }),
    check('country', (country) => TAX_RATES[country] !== undefined || 'unsupported country'),
    check('quantity', (q) => (q >= 1 && q <= 1000) || 'quantity must be between 1 and 1000'),
    check('unitPrice', (price) => price > 0 || 'unit price must be positive'),
    check(
      'couponCode',
      (coupon) => coupon === null || COUPON_BONUS[coupon] !== undefined || 'unknown coupon',
    ),
  ],
  execute: ({ input }) => ({
    normalizedEmail: input.normalizedEmail ?? '',
    country: input.country,
    quantity: input.quantity,
    unitPrice: input.unitPrice,
    subtotal: n(input.subtotal),
    effectiveDiscountPct: n(input.effectiveDiscountPct),
    discountAmount: n(input.discountAmount),
    shippingCost: n(input.shippingCost),
    taxRate: n(input.taxRate),
    taxAmount: n(input.taxAmount),
    total: n(input.total),
  }),
});

/** Ping and pricing: `/bench` operations without a model. */
export const OpsApi = restInterface(null, {
  prefix: '/bench',
  tags: ['Bench'],
  routes: [
    route.get('/ping', useCase(null, { name: 'ping', readOnly: true, execute: () => ({ status: 'ok' }) }), {
      response: t.Object({ status: t.String() }),
    }),
    route.post('/pricing/preview', PreviewPricing, { response: PricingPreview }),
  ],
});
