import { type Expression, type SqlBool, sql } from 'kysely';
import type { DialectName } from '../db/dialect.ts';
import { InvalidQuery } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { relationNamed } from '../model/resolve-relations.ts';
import type { FilterCondition } from './query-spec.ts';

/** Compiles a condition on a field of the related model (`owner.fullName`), qualified by a table alias. */
export type ConditionCompiler = (
  model: AnyModel,
  dialect: DialectName,
  condition: FilterCondition,
  table: string,
) => Expression<SqlBool>;

function flag(value: unknown, key: string): boolean {
  if (value === true || value === 'true' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === '0' || value === 0) return false;
  throw new InvalidQuery(`"${key}" takes true or false`, key);
}

/** True when a filter field names a relation (`notes`) or a field through one (`owner.fullName`). */
export function isRelationPath(model: AnyModel, field: string): boolean {
  const dot = field.indexOf('.');
  if (dot >= 0) return true;
  return !model.$fieldsByName.has(field) && relationNamed(model, field) !== undefined;
}

/**
 * Compiles a filter through a relation to a **correlated** `EXISTS` subquery: the related table is
 * aliased and joined to the outer row by the relation's keys, so the condition holds for the rows that
 * have a matching related row (loom-py's subquery was not correlated: true for every row as soon as the
 * related table had any row).
 *
 * - `notes` with `exists` (true/false) → `[not] exists (select 1 from notes r where r.record_id = t.id)`
 * - `owner.fullName eq 'Ada'` → `exists (select 1 from users r where r.id = t.owner_id and r.full_name = ?)`
 *   (for a to-many relation: some related row matches)
 * - many-to-many `tags.name eq 'sale'` → `exists (select 1 from product_tags l join tags r on r.id = l.tag_id
 *   where l.product_id = t.id and r.name = ?)`
 *
 * Paths are one level deep; unknown relations, unknown or unfilterable fields are an {@link InvalidQuery}.
 *
 * @example
 * ```ts
 * relationFilterToSql(BenchRecord, 'postgres', where('owner.fullName', 'eq', 'Ada'), 'bench_records', compile);
 * ```
 */
export function relationFilterToSql(
  model: AnyModel,
  dialect: DialectName,
  node: FilterCondition,
  outer: string,
  compile: ConditionCompiler,
): Expression<SqlBool> {
  const parts = node.field.split('.');
  const relName = parts[0] ?? '';
  const rel = relationNamed(model, relName);
  if (!rel) throw new InvalidQuery(`unknown filter field "${node.field}" on ${model.$name}`, node.field);
  if (parts.length > 2 || parts[1] === '') {
    throw new InvalidQuery(`filter "${node.field}": paths go one relation deep (relation.field)`, node.field);
  }
  const alias = `__r_${rel.name}`;
  let target = sql`${sql.table(rel.target.$table)} as ${sql.id(alias)}`;
  let join = sql<SqlBool>`${sql.ref(`${alias}.${rel.remote.column}`)} = ${sql.ref(`${outer}.${rel.local.column}`)}`;
  if (rel.link) {
    // Many-to-many: through the link table, `link.from = outer.pk and link.to = related.pk`.
    const l = `__l_${rel.name}`;
    const { model, from, to } = rel.link;
    target = sql`${sql.table(model.$table)} as ${sql.id(l)} join ${target} on ${sql.ref(`${alias}.${rel.remote.column}`)} = ${sql.ref(`${l}.${to.column}`)}`;
    join = sql<SqlBool>`${sql.ref(`${l}.${from.column}`)} = ${sql.ref(`${outer}.${rel.local.column}`)}`;
  }
  const field = parts[1];
  if (field === undefined) {
    if (node.op !== 'exists') {
      throw new InvalidQuery(
        `"${node.field}" is a relation: filter it with "exists" or on one of its fields (${relName}.field)`,
        node.field,
      );
    }
    const exists = sql<SqlBool>`exists (select 1 from ${target} where ${join})`;
    return flag(node.value, `${node.field}__exists`) ? exists : sql<SqlBool>`not ${exists}`;
  }
  if (node.op === 'exists') {
    throw new InvalidQuery(`"exists" applies to a relation ("${relName}"), not to a field`, node.field);
  }
  const inner = compile(rel.target, dialect, { ...node, field }, alias);
  return sql<SqlBool>`exists (select 1 from ${target} where ${join} and ${inner})`;
}
