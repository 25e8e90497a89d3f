import { InvalidQuery } from '../errors/index.ts';
import type { AnyModel, FieldMeta } from '../model/model.ts';
import { relationNamed } from '../model/resolve-relations.ts';
import { coerceFieldValue } from '../repository/field-values.ts';
import {
  FILTER_OPERATORS,
  type FilterCondition,
  type FilterOperator,
  MAX_LIMIT,
  where,
} from '../repository/query-spec.ts';
import { fieldByWireName } from './field-lookup.ts';

const OPERATORS: ReadonlySet<string> = new Set(FILTER_OPERATORS);

function checkValue(f: FieldMeta, value: string, key: string): void {
  try {
    coerceFieldValue(f.def, value, f.name);
  } catch (error) {
    if (error instanceof InvalidQuery) throw new InvalidQuery(`${key}: ${error.message}`, key);
    throw error;
  }
}

function flag(value: string, key: string): boolean {
  const lower = value.toLowerCase();
  if (lower !== 'true' && lower !== 'false') throw new InvalidQuery(`${key} takes true or false`, key);
  return lower === 'true';
}

function condition(
  field: string,
  f: FieldMeta,
  op: FilterOperator,
  value: string,
  key: string,
): FilterCondition {
  switch (op) {
    case 'in': {
      const items = value.split(',').filter((s) => s !== '');
      if (items.length === 0) throw new InvalidQuery(`${key} needs a comma-separated list of values`, key);
      if (items.length > MAX_LIMIT) throw new InvalidQuery(`${key} takes at most ${MAX_LIMIT} values`, key);
      for (const item of items) checkValue(f, item, key);
      return where(field, 'in', items);
    }
    case 'is_null':
      return where(field, 'is_null', flag(value, key));
    case 'like':
    case 'ilike':
      if (f.def.kind !== 'string' && f.def.kind !== 'text') {
        throw new InvalidQuery(`${key}: "${op}" needs a text field; ${f.name} is ${f.def.kind}`, key);
      }
      checkValue(f, value, key);
      return where(field, op, value);
    default:
      checkValue(f, value, key);
      return where(field, op, value);
  }
}

function filterableField(model: AnyModel, name: string, key: string): FieldMeta {
  const f = fieldByWireName(model, name);
  if (!f)
    throw new InvalidQuery(`unknown query parameter "${key}": ${model.$name} has no field "${name}"`, key);
  if (!f.def.filterable) throw new InvalidQuery(`field "${name}" cannot be filtered on`, key);
  return f;
}

/**
 * Parses one filter parameter into a condition, checking it against the model: `field` (eq),
 * `field__op`, `relation__exists` (true/false) and `relation__field[__op]` (one relation deep). Names
 * are camelCase or snake_case; the operator is case-insensitive. Anything unknown or malformed is a 400
 * naming the parameter; values are checked against the field's declared type and passed on as sent.
 *
 * @example
 * ```ts
 * filterOf(Product, 'price__gte', '20');        // where('price', 'gte', '20')
 * filterOf(Record, 'owner__full_name', 'Ada');  // where('owner.fullName', 'eq', 'Ada')
 * filterOf(Record, 'notes__exists', 'false');   // where('notes', 'exists', false)
 * ```
 */
export function filterOf(model: AnyModel, key: string, value: string): FilterCondition {
  const parts = key.split('__');
  const last = parts[parts.length - 1]?.toLowerCase() ?? '';
  const explicit = parts.length > 1 && OPERATORS.has(last);
  const op = (explicit ? last : 'eq') as FilterOperator;
  const path = explicit ? parts.slice(0, -1) : parts;
  if (path.some((p) => p === '')) throw new InvalidQuery(`filter "${key}" has an empty field name`, key);
  const head = path[0] as string;
  const relation =
    path.length > 1 || op === 'exists' || !fieldByWireName(model, head)
      ? relationNamed(model, head)
      : undefined;

  if (relation === undefined) {
    const isField = fieldByWireName(model, head) !== undefined;
    if (path.length === 1 && op !== 'exists') {
      const f = filterableField(model, head, key);
      return condition(f.name, f, op, value, key);
    }
    if (isField && op === 'exists')
      throw new InvalidQuery(`"exists" applies to relations, not to field "${head}"`, key);
    if (isField) {
      throw new InvalidQuery(
        `unknown filter operator "${path[1]}" in "${key}"; use ${FILTER_OPERATORS.join(', ')}`,
        key,
      );
    }
    throw new InvalidQuery(
      `unknown query parameter "${key}": ${model.$name} has no field or relation "${head}"`,
      key,
    );
  }
  if (path.length === 1) {
    if (op !== 'exists') {
      throw new InvalidQuery(
        `"${head}" is a relation: use ${head}__exists or a field of it (${head}__field)`,
        key,
      );
    }
    return where(relation.name, 'exists', flag(value, key));
  }
  if (path.length > 2)
    throw new InvalidQuery(`filter "${key}": paths go one relation deep (relation__field)`, key);
  if (op === 'exists')
    throw new InvalidQuery(`"exists" applies to a relation ("${head}"), not to a field`, key);
  const f = filterableField(relation.target, path[1] as string, key);
  return condition(`${relation.name}.${f.name}`, f, op, value, key);
}
