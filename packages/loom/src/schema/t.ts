import type { TSchema as Schema, Static as StaticOf } from 'typebox';
import Type from 'typebox';

/**
 * The schema builder for commands and params: TypeBox's `Type`, re-exported. A schema is plain JSON
 * Schema, so one declaration feeds validation, serialization, OpenAPI and the static TS type.
 *
 * @example
 * ```ts
 * const CreateOrder = command({ userId: t.Integer(), status: t.String({ default: 'created' }) });
 * ```
 */
export const t = Type;
export type { Static, TSchema } from 'typebox';

/**
 * A schema with a default value, visible to the type system: a command field declared with it may be
 * left out of a payload (`CommandPayload` makes it optional) and is always set in the parsed value.
 * (`t.String({ default })` works at run time too, but TypeBox's types do not carry the option.)
 *
 * @example
 * ```ts
 * const CreateOrder = command({ status: withDefault(t.String({ maxLength: 40 }), 'created') });
 * ```
 */
export function withDefault<S extends Schema>(
  schema: S,
  value: StaticOf<S>,
): S & { readonly default: StaticOf<S> } {
  return { ...schema, default: value } as S & { readonly default: StaticOf<S> };
}
