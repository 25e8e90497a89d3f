import { createHash } from 'node:crypto';
import type { AnyModel } from '../model/model.ts';
import { relationNamed } from '../model/resolve-relations.ts';
import type { FilterNode, QuerySpec } from '../repository/query-spec.ts';
import { type ReadPlan, readPlanOf } from '../repository/read-plan.ts';
import { isRelationPath } from '../repository/relation-filter.ts';
import type { ReadOptions, Repository } from '../repository/repository.ts';
import { SqlRepository } from '../repository/sql-repository.ts';
import type { ReadThrough } from './read-through.ts';
import type { WriteTracker } from './write-tracker.ts';

/** What a cached repository shares with its cache. */
export interface CachedRepositoryContext {
  readonly core: ReadThrough;
  readonly tracker: WriteTracker;
  readonly ttlMs: number;
  readonly listTtlMs: number;
  readonly cacheCustomReads: boolean;
}

const hash = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22);

// The shape of a plan's result (columns, relations, projections): part of every key, so a deploy that
// changes a model never reads values cached by the previous version from a shared Redis.
const shapes = new WeakMap<ReadPlan, string>();
function shapeOf(plan: ReadPlan): string {
  let shape = shapes.get(plan);
  if (!shape) {
    const fieldsOf = (m: AnyModel) => m.$fields.map((f) => `${f.name}:${f.def.kind}:${f.def.nullable}`);
    shape = hash(
      JSON.stringify([
        fieldsOf(plan.model),
        plan.relations.map((r) => [r.name, r.cardinality, fieldsOf(r.target)]),
        plan.projections.map((p) => [p.name, p.projection.loader, p.hidden]),
      ]),
    );
    shapes.set(plan, shape);
  }
  return shape;
}

/** The tables a filter reads through relations (`owner.fullName` reads the owner's table). */
function filterTables(model: AnyModel, node: FilterNode | undefined, into: Set<string>): void {
  if (!node) return;
  if (node.kind !== 'condition') {
    for (const item of node.items) filterTables(model, item, into);
    return;
  }
  if (!isRelationPath(model, node.field)) return;
  const rel = relationNamed(model, node.field.split('.')[0] ?? '');
  if (rel) into.add(rel.target.$table);
  if (rel?.link) into.add(rel.link.model.$table);
}

function idKey(id: unknown): string {
  return typeof id === 'string' || typeof id === 'number'
    ? encodeURIComponent(String(id))
    : `j${hash(JSON.stringify(id) ?? '')}`;
}

/**
 * Wraps a repository so `getById` and `list` read through the cache; every other member (writes,
 * `getBy`, `count`, custom methods, fields) is the repository's own, bound to it. Which reads are cached:
 *
 * - `getById(id, { profile })`, keyed by id and canonical profile; `list(query, { profile })`, keyed by a
 *   hash of the query (filters, sort, pagination, cursor) and profile;
 * - each key carries the generations of the tables the read depends on: the model's table, the tables
 *   of the relations and projections the profile loads, the tables a custom loader `reads`, and for a
 *   list the tables its relation filters go through;
 * - inside a transaction, reads use cached values but do not store what they load (the transaction may
 *   read an older snapshot than the generations say), and once it has written one of their tables
 *   they skip the cache (they must see its writes and must not cache uncommitted rows);
 * - not cached: profiles with a custom loader that does not declare `reads`; overridden `getById`/`list`
 *   of custom repositories unless `cacheCustomReads` is set.
 *
 * @example
 * ```ts
 * const records = cache.wrap(new SqlRepository(BenchRecord, db, settings), db);
 * await records.getById(1, { profile: 'withDetails' }); // miss: 3 statements
 * await records.getById(1, { profile: 'withDetails' }); // hit: none
 * ```
 */
export function cachedRepository<R extends Repository<AnyModel>>(
  repository: R,
  ctx: CachedRepositoryContext,
): R {
  const model = repository.model;
  const base = SqlRepository.prototype as unknown as Repository<AnyModel>;
  const inherited = (name: 'getById' | 'list') => ctx.cacheCustomReads || repository[name] === base[name];
  const read = <T>(
    op: 'get' | 'list',
    plan: ReadPlan,
    key: string,
    tables: readonly string[],
    load: () => Promise<T>,
  ) =>
    ctx.core.read(
      {
        entity: model.$name,
        op,
        key: `${model.$table}:${key}:p=${plan.profile}:s=${shapeOf(plan)}`,
        tables,
        ttlMs: op === 'get' ? ctx.ttlMs : ctx.listTtlMs,
        load,
      },
      plan.cacheable ? ctx.tracker.readMode(tables) : 'bypass',
    );

  const getById = async (id: unknown, options?: ReadOptions) => {
    const plan = readPlanOf(model, options?.profile);
    return read('get', plan, `id:${idKey(id)}`, plan.tables, () => repository.getById(id, options));
  };
  const list = async (query: QuerySpec, options?: ReadOptions) => {
    const plan = readPlanOf(model, options?.profile);
    const tables = new Set(plan.tables);
    filterTables(model, query.filter, tables);
    const key = `list:${hash(JSON.stringify(query))}`;
    return read('list', plan, key, [...tables], () => repository.list(query as never, options));
  };

  const overrides = new Map<PropertyKey, unknown>();
  if (inherited('getById')) overrides.set('getById', getById);
  if (inherited('list')) overrides.set('list', list);
  const bound = new Map<PropertyKey, { readonly of: unknown; readonly fn: unknown }>();
  return new Proxy(repository, {
    get(target, property) {
      if (overrides.has(property)) return overrides.get(property);
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const known = bound.get(property);
      if (known?.of === value) return known.fn;
      const fn = (value as (...args: unknown[]) => unknown).bind(target);
      bound.set(property, { of: value, fn });
      return fn;
    },
  });
}
