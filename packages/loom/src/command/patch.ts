import type { TSchema } from 'typebox';

/** A patch field: may be absent, and absence differs from any value (see `fieldsSet`). */
export interface PatchField<S extends TSchema = TSchema> {
  readonly kind: 'patch';
  readonly schema: S;
}

/**
 * Marks a command field as a patch: the client may leave it out, and the use case can tell "absent"
 * from an explicit value through `fieldsSet`. A patch field has no default. `null` is a value only
 * when the inner schema accepts it (`patch(t.Union([t.String(), t.Null()]))`).
 *
 * @example
 * ```ts
 * const UpdateUser = command({ fullName: patch(t.String()), email: patch(t.String()) });
 * ```
 */
export function patch<S extends TSchema>(schema: S): PatchField<S> {
  if ('default' in schema) {
    throw new Error('patch(): a patch field cannot have a default (absent must stay absent)');
  }
  return Object.freeze({ kind: 'patch', schema });
}

export function isPatchField(value: unknown): value is PatchField {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'patch';
}
