import type { TObject, TSchema } from 'typebox';
import Type from 'typebox';
import { columnValueSchema } from './column.ts';
import type { AnyModel } from './model.ts';

/**
 * The JSON Schema of a model's entity on the wire (camelCase keys, datetimes as ISO strings, nullable
 * columns as `T | null`). Used for response serialization and the OpenAPI component named after the model.
 *
 * @example
 * ```ts
 * entitySchemaOf(User).title; // 'User'
 * ```
 */
export function entitySchemaOf(model: AnyModel): TObject {
  const properties: Record<string, TSchema> = {};
  for (const f of model.$fields) {
    const value = columnValueSchema(f.def);
    properties[f.name] = f.def.nullable ? Type.Union([value, Type.Null()]) : value;
  }
  return Type.Object(properties, { title: model.$name });
}
