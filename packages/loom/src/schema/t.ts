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
