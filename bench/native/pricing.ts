/**
 * The pricing preview of dummy-loom's benchmark (`pricing_preview_input_compute`): nine computes and five
 * rules over the request body, no database. Pure functions, so the computes are unit-testable.
 *
 * - email: trimmed and lower-cased; country: trimmed and upper-cased
 * - effective discount % = min(90, discountPct + coupon bonus {VIP5: 5, WELCOME10: 10, SHIPFREE: 0} + (vip ? 2 : 0))
 * - subtotal = unitPrice × quantity; discount = subtotal × effective % / 100; taxable = subtotal − discount
 * - shipping = 0 when taxable ≥ 100 or coupon SHIPFREE, else 7.5
 * - tax rate by country {US .08, ES .21, DE .19, FR .20}; tax = taxable × rate; total = taxable + shipping + tax
 * - money rounded to 2 decimals at each step, the rate to 4
 */

export const TAX_RATES: Readonly<Record<string, number>> = { US: 0.08, ES: 0.21, DE: 0.19, FR: 0.2 };
export const COUPON_BONUS: Readonly<Record<string, number>> = { VIP5: 5, WELCOME10: 10, SHIPFREE: 0 };
const FREE_SHIPPING_FROM = 100;
const SHIPPING_COST = 7.5;
const MAX_DISCOUNT_PCT = 90;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

export interface PricingInput {
  email: string;
  country: string;
  unitPrice: number;
  quantity: number;
  discountPct: number;
  couponCode: string | null;
  vip: boolean;
}

export interface PricingPreview {
  normalizedEmail: string;
  country: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
  effectiveDiscountPct: number;
  discountAmount: number;
  shippingCost: number;
  taxRate: number;
  taxAmount: number;
  total: number;
}

export interface Violation {
  field: string;
  message: string;
}

export type PricingResult = { ok: true; value: PricingPreview } | { ok: false; violations: Violation[] };

const round = (value: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round((value + Number.EPSILON) * f) / f;
};

/** Normalises, runs all five rules (violations aggregated), then computes the preview. */
export function pricePreview(input: PricingInput): PricingResult {
  const normalizedEmail = input.email.trim().toLowerCase();
  const country = input.country.trim().toUpperCase();
  const violations: Violation[] = [];
  if (!EMAIL.test(normalizedEmail)) violations.push({ field: 'email', message: 'invalid email' });
  if (TAX_RATES[country] === undefined) violations.push({ field: 'country', message: 'unsupported country' });
  if (!(input.quantity >= 1 && input.quantity <= 1000)) {
    violations.push({ field: 'quantity', message: 'quantity must be between 1 and 1000' });
  }
  if (!(input.unitPrice > 0)) violations.push({ field: 'unitPrice', message: 'unit price must be positive' });
  if (input.couponCode !== null && COUPON_BONUS[input.couponCode] === undefined) {
    violations.push({ field: 'couponCode', message: 'unknown coupon' });
  }
  if (violations.length > 0) return { ok: false, violations };

  const bonus = input.couponCode === null ? 0 : (COUPON_BONUS[input.couponCode] ?? 0);
  const effectiveDiscountPct = round(
    Math.min(MAX_DISCOUNT_PCT, input.discountPct + bonus + (input.vip ? 2 : 0)),
    2,
  );
  const subtotal = round(input.unitPrice * input.quantity, 2);
  const discountAmount = round((subtotal * effectiveDiscountPct) / 100, 2);
  const taxable = round(subtotal - discountAmount, 2);
  const shippingCost = taxable >= FREE_SHIPPING_FROM || input.couponCode === 'SHIPFREE' ? 0 : SHIPPING_COST;
  const taxRate = round(TAX_RATES[country] ?? 0, 4);
  const taxAmount = round(taxable * taxRate, 2);
  const total = round(taxable + shippingCost + taxAmount, 2);
  return {
    ok: true,
    value: {
      normalizedEmail,
      country,
      quantity: input.quantity,
      unitPrice: input.unitPrice,
      subtotal,
      effectiveDiscountPct,
      discountAmount,
      shippingCost,
      taxRate,
      taxAmount,
      total,
    },
  };
}
