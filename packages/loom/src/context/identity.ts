/**
 * Who a call runs for: the result of authentication, handed to guards, loads, rules, computes, `execute`
 * (`ctx.identity`) and to jobs dispatched on its behalf. Plain data, never a live credential: the token
 * or API key that proved it stays in the request and is never copied here, into jobs or into logs (logs
 * carry `subject` only).
 *
 * Extra claims an app relies on can be typed by augmenting {@link IdentityClaims}.
 *
 * @example
 * ```ts
 * const identity: Identity = { subject: '42', roles: ['customer'], scopes: ['orders:read'], claims: {}, via: 'jwt' };
 * identity.roles.includes('admin'); // false
 * ```
 */
export interface Identity {
  /** The authenticated subject: the JWT `sub`, the API key's subject, or what a custom authenticator says. */
  readonly subject: string;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** The remaining verified claims (JWT payload without the registered time claims), or a custom map. */
  readonly claims: Readonly<IdentityClaims & Record<string, unknown>>;
  /** Which authenticator established it. */
  readonly via: 'jwt' | 'apiKey' | 'custom';
}

/**
 * Claims an application types for itself, by declaration merging:
 *
 * @example
 * ```ts
 * declare module 'loom-kernel' {
 *   interface IdentityClaims { tenantId?: string }
 * }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: a declaration-merging target for applications.
export interface IdentityClaims {}

/**
 * A frozen copy of an identity with only its data (what a job message carries). Throws on a value that
 * is not an identity, so a job cannot be dispatched with a forged shape.
 *
 * @example
 * ```ts
 * identityOf({ subject: '7', roles: [], scopes: [], claims: {}, via: 'custom' }).subject; // '7'
 * ```
 */
export function identityOf(value: unknown): Identity | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as Partial<Identity>;
  if (typeof v.subject !== 'string' || !Array.isArray(v.roles) || !Array.isArray(v.scopes))
    throw new TypeError('not an identity: needs subject, roles and scopes');
  return Object.freeze({
    subject: v.subject,
    roles: Object.freeze(v.roles.map(String)),
    scopes: Object.freeze(v.scopes.map(String)),
    claims: Object.freeze({ ...(v.claims ?? {}) }),
    via: v.via === 'jwt' || v.via === 'apiKey' ? v.via : 'custom',
  });
}
