import type { AnyModel, FieldMeta } from '../model/model.ts';

// A memo keyed by the model object, not a registry: built once per model, read per request.
const memo = new WeakMap<AnyModel, ReadonlyMap<string, FieldMeta>>();

/**
 * A model's field by its camelCase name or its snake_case column name (`createdAt` or `created_at`).
 *
 * @example
 * ```ts
 * fieldByWireName(User, 'full_name')?.name; // 'fullName'
 * ```
 */
export function fieldByWireName(model: AnyModel, name: string): FieldMeta | undefined {
  let map = memo.get(model);
  if (!map) {
    const m = new Map<string, FieldMeta>();
    for (const f of model.$fields) m.set(f.column, f);
    for (const f of model.$fields) m.set(f.name, f);
    map = m;
    memo.set(model, map);
  }
  return map.get(name);
}
