import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../db/dialect.ts';
import { InvalidQuery } from '../errors/index.ts';
import type { AnyModel, FieldMeta } from '../model/model.ts';
import { coerceFieldValue } from './field-values.ts';
import type { FilterCondition, FilterNode } from './query-spec.ts';
import { isRelationPath, relationFilterToSql } from './relation-filter.ts';
import { codecOf, type RowCodec } from './row-codec.ts';

/** Resolves a filter/sort field name: camelCase or snake_case, declared and filterable, else 400. */
export function resolveField(model: AnyModel, name: string, purpose: 'filter' | 'sort'): FieldMeta {
  const f = model.$fieldsByName.get(name) ?? model.$fields.find((x) => x.column === name);
  if (!f) throw new InvalidQuery(`unknown ${purpose} field "${name}" on ${model.$name}`, name);
  if (!f.def.filterable) throw new InvalidQuery(`field "${name}" cannot be used to ${purpose}`, name);
  return f;
}

/**
 * Compiles a filter tree to a SQL boolean expression with every value bound as a parameter and
 * converted by the field's declared type. Unknown fields or operators are an {@link InvalidQuery}.
 * A field through a relation (`owner.fullName`) or a relation with `exists` (`notes`) compiles to a
 * correlated `EXISTS` subquery (see `relationFilterToSql`).
 *
 * @example
 * ```ts
 * qb.where(filterToSql(Product, codec, 'postgres', where('stock', 'lte', '5')));
 * ```
 */
export function filterToSql(
  model: AnyModel,
  codec: RowCodec,
  dialect: DialectName,
  node: FilterNode,
  table?: string,
): Expression<SqlBool> {
  if (node.kind !== 'condition') {
    if (node.items.length === 0) return sql<SqlBool>`1 = 1`;
    const parts = node.items.map((n) => filterToSql(model, codec, dialect, n, table));
    return sql<SqlBool>`(${sql.join(parts, sql` ${sql.raw(node.kind === 'and' ? 'and' : 'or')} `)})`;
  }
  if (isRelationPath(model, node.field)) {
    return relationFilterToSql(model, dialect, node, table ?? model.$table, relatedCondition);
  }
  return conditionToSql(model, codec, dialect, node, table);
}

/** A condition on a related model's column, inside a relation's EXISTS subquery (no further relations). */
function relatedCondition(model: AnyModel, dialect: DialectName, node: FilterCondition, alias: string) {
  return conditionToSql(model, codecOf(model, dialect), dialect, node, alias);
}

function conditionToSql(
  model: AnyModel,
  codec: RowCodec,
  dialect: DialectName,
  node: FilterCondition,
  table: string | undefined,
): Expression<SqlBool> {
  const f = resolveField(model, node.field, 'filter');
  const col = table ? sql.ref(`${table}.${f.column}`) : sql.ref(f.column);
  const bind = (raw: unknown) => sql.val(codec.encodeValue(f, coerceFieldValue(f.def, raw, node.field)));
  const value = node.value;
  switch (node.op) {
    case 'eq':
      return value === null ? sql<SqlBool>`${col} is null` : sql<SqlBool>`${col} = ${bind(value)}`;
    case 'ne':
      return value === null ? sql<SqlBool>`${col} is not null` : sql<SqlBool>`${col} <> ${bind(value)}`;
    case 'gt':
      return sql<SqlBool>`${col} > ${bind(value)}`;
    case 'gte':
      return sql<SqlBool>`${col} >= ${bind(value)}`;
    case 'lt':
      return sql<SqlBool>`${col} < ${bind(value)}`;
    case 'lte':
      return sql<SqlBool>`${col} <= ${bind(value)}`;
    case 'in': {
      const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
      if (!list || list.length === 0) {
        throw new InvalidQuery(`"in" on "${node.field}" needs a non-empty list`, `${node.field}__in`);
      }
      if (list.length > 1000)
        throw new InvalidQuery(`"in" on "${node.field}" takes at most 1000 values`, node.field);
      return sql<SqlBool>`${col} in (${sql.join(list.map(bind))})`;
    }
    case 'like':
    case 'ilike': {
      if (f.def.kind !== 'string' && f.def.kind !== 'text') {
        throw new InvalidQuery(
          `"${node.op}" needs a text field, "${node.field}" is ${f.def.kind}`,
          node.field,
        );
      }
      const pattern = sql.val(String(value));
      if (node.op === 'like') return sql<SqlBool>`${col} like ${pattern}`;
      return dialect === 'postgres'
        ? sql<SqlBool>`${col} ilike ${pattern}`
        : sql<SqlBool>`lower(${col}) like lower(${pattern})`;
    }
    case 'is_null': {
      const flag = value === true || value === 'true' || value === '1' || value === '' || value === undefined;
      const negated = value === false || value === 'false' || value === '0';
      if (!flag && !negated) {
        throw new InvalidQuery(`"is_null" on "${node.field}" takes true or false`, `${node.field}__is_null`);
      }
      return flag ? sql<SqlBool>`${col} is null` : sql<SqlBool>`${col} is not null`;
    }
    case 'exists':
      throw new InvalidQuery(
        `"exists" applies to relations; "${node.field}" is a field`,
        `${node.field}__exists`,
      );
    default:
      throw new InvalidQuery(`unknown filter operator "${String((node as { op: unknown }).op)}"`, node.field);
  }
}

export type SqlFragment = RawBuilder<unknown>;
