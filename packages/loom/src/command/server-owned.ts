import type { TSchema } from 'typebox';

/** Who sets a server-owned field: `internal` — execute or infrastructure; `computed` — a compute. */
export type ServerOwner = 'internal' | 'computed';

/** A command field the client never sends (see {@link internal} and {@link computed}). */
export interface ServerOwnedField<S extends TSchema = TSchema, O extends ServerOwner = ServerOwner> {
  readonly kind: 'serverOwned';
  readonly owner: O;
  readonly schema: S;
}

function owned<S extends TSchema, O extends ServerOwner>(owner: O, schema: S): ServerOwnedField<S, O> {
  if ('default' in schema) {
    throw new Error(`${owner}(): a server-owned field has no default (the server sets it)`);
  }
  return Object.freeze({ kind: 'serverOwned', owner, schema });
}

/**
 * A command field set by the use case's compute, never by the client: absent from the request schema
 * and OpenAPI, ignored when a client sends it (docs/decisions/0015-server-owned-fields.md), typed for
 * computes, rules and `execute`. A use case whose input has a computed field no compute sets fails at
 * boot.
 *
 * @example
 * ```ts
 * const Pricing = command({ unitPrice: t.Number(), quantity: t.Integer(), total: computed(t.Number()) });
 * useCase(null, {
 *   input: Pricing,
 *   computes: ({ set }) => [set('total', ({ input }) => input.unitPrice * input.quantity)],
 *   execute: ({ input }) => ({ total: input.total }),
 * });
 * ```
 */
export function computed<S extends TSchema>(schema: S): ServerOwnedField<S, 'computed'> {
  return owned('computed', schema);
}

/**
 * A command field set by `execute` or by infrastructure (`withFields`), never by the client nor by a
 * compute: absent from the request schema and OpenAPI, ignored when a client sends it, typed optional
 * for `execute`.
 *
 * @example
 * ```ts
 * const Note = command({ text: t.String(), authorId: internal(t.Integer()) });
 * execute: ({ input, repo }) => repo.create(withFields(input, { authorId: currentUserId() })),
 * ```
 */
export function internal<S extends TSchema>(schema: S): ServerOwnedField<S, 'internal'> {
  return owned('internal', schema);
}

export function isServerOwnedField(value: unknown): value is ServerOwnedField {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'serverOwned';
}
