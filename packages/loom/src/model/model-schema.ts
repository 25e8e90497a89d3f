import type { TObject, TSchema } from 'typebox';
import Type from 'typebox';
import { DeclarationError } from '../errors/index.ts';
import { columnValueSchema } from './column.ts';
import type { AnyModel, FieldMeta } from './model.ts';
import { canonicalProfile, DEFAULT_PROFILE, loadsIn } from './profiles.ts';
import type { ProjectionMap } from './projection.ts';
import { type ResolvedRelation, resolveRelations, validateModel } from './resolve-relations.ts';

function fieldSchema(f: FieldMeta): TSchema {
  const value = columnValueSchema(f.def);
  return f.def.nullable ? Type.Union([value, Type.Null()]) : value;
}

function columnsSchema(model: AnyModel, only?: readonly string[]): Record<string, TSchema> {
  const properties: Record<string, TSchema> = {};
  for (const f of model.$fields) if (!only || only.includes(f.name)) properties[f.name] = fieldSchema(f);
  return properties;
}

function relatedSchema(rel: ResolvedRelation, only?: readonly string[]): TSchema {
  const row = Type.Object(columnsSchema(rel.target, only), only ? {} : { title: rel.target.$name });
  return rel.many ? Type.Array(row) : Type.Union([row, Type.Null()]);
}

/** `withDetails` → `WithDetails`: the suffix of a profile's component name. */
function pascal(profile: string): string {
  return profile.charAt(0).toUpperCase() + profile.slice(1);
}

/**
 * The JSON Schema of a model's entity on the wire (camelCase keys, datetimes as ISO strings, nullable
 * columns as `T | null`) for a profile: the columns plus the relations and projections the profile
 * loads. Related rows carry their columns. Used for response serialization and the OpenAPI component:
 * titled after the model for the default profile (`BenchRecord`), with the profile appended for the
 * others (`BenchRecordWithDetails`). The profile may be spelled camelCase or snake_case; an unknown one
 * is a {@link DeclarationError} (a boot-time mistake in a route declaration).
 *
 * @example
 * ```ts
 * entitySchemaOf(User).title;                                   // 'User'
 * entitySchemaOf(BenchRecord, 'with_details').title;            // 'BenchRecordWithDetails'
 * Object.keys(entitySchemaOf(BenchRecord, 'withDetails').properties); // [...columns, 'owner', 'notes', …]
 * ```
 */
export function entitySchemaOf(model: AnyModel, profile?: string): TObject {
  const name = canonicalProfile(profile ?? DEFAULT_PROFILE);
  const profiles: readonly string[] = model.$profiles ?? [DEFAULT_PROFILE];
  if (!profiles.includes(name)) {
    throw new DeclarationError(
      model.$name,
      `unknown profile "${profile}" (declared: ${profiles.join(', ')})`,
    );
  }
  const properties = columnsSchema(model);
  const relations = resolveRelations(model);
  const projections = (model.$projections ?? {}) as ProjectionMap;
  if (relations.size > 0 || Object.keys(projections).length > 0) validateModel(model);
  for (const rel of relations.values()) {
    if (rel.profiles.includes(name)) properties[rel.name] = relatedSchema(rel);
  }
  for (const [key, p] of Object.entries(projections)) {
    if (!loadsIn(p.profiles, name)) continue;
    if (p.loader === 'count') properties[key] = Type.Integer({ minimum: 0 });
    else if (p.loader === 'exists') properties[key] = Type.Boolean();
    else if (p.loader === 'fields') properties[key] = relatedSchema(relations.get(p.via)!, p.columns);
    else {
      const value = p.schema ?? Type.Unknown();
      properties[key] = p.fallback === null && p.schema ? Type.Union([value, Type.Null()]) : value;
    }
  }
  const title = name === DEFAULT_PROFILE ? model.$name : `${model.$name}${pascal(name)}`;
  return Type.Object(properties, { title });
}

/**
 * The profiles of a model, canonical spelling, `default` first (the same as `model.$profiles`).
 *
 * @example
 * ```ts
 * profilesOf(BenchRecord); // ['default', 'withDetails', 'counts']
 * ```
 */
export function profilesOf(model: AnyModel): readonly string[] {
  return model.$profiles ?? [DEFAULT_PROFILE];
}
