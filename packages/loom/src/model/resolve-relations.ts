import { DeclarationError } from '../errors/index.ts';
import type { AnyModel, FieldMeta } from './model.ts';
import { canonicalProfile } from './profiles.ts';
import type { ProjectionMap } from './projection.ts';
import type { AnyRelation, Cardinality, RelationMap } from './relation.ts';

/** The link of a resolved `manyToMany`: `link.from` holds the parent's key, `link.to` the target's. */
export interface ResolvedLink {
  readonly model: AnyModel;
  readonly from: FieldMeta;
  readonly to: FieldMeta;
}

/**
 * A relation with its target resolved: every relation joins `parent.<local> = target.<remote>`.
 * For `manyToOne` the local key is this model's foreign key and the remote key the target's primary
 * key; for `oneToMany` / `oneToOne` the local key is this model's primary key and the remote key the
 * target's foreign key. For `manyToMany` local and remote are both primary keys, joined through
 * `link`: `parent.<local> = link.<from>` and `link.<to> = target.<remote>`.
 */
export interface ResolvedRelation {
  readonly name: string;
  readonly cardinality: Cardinality;
  readonly model: AnyModel;
  readonly target: AnyModel;
  readonly local: FieldMeta;
  readonly remote: FieldMeta;
  /** Canonical names of the profiles that load it. */
  readonly profiles: readonly string[];
  /** True when it yields a list (`oneToMany`, `manyToMany`). */
  readonly many: boolean;
  /** The link model and its key columns (`manyToMany` only). */
  readonly link?: ResolvedLink;
}

// A memo keyed by the model object, not a registry: resolved once, on first use.
const memo = new WeakMap<AnyModel, ReadonlyMap<string, ResolvedRelation>>();

function fieldOf(model: AnyModel, name: string): FieldMeta | undefined {
  return model.$fieldsByName.get(name) ?? model.$fields.find((f) => f.column === name);
}

/** The link columns that reference `table`'s primary key. */
function referencing(link: AnyModel, table: string): FieldMeta[] {
  return link.$fields.filter((f) => {
    const ref = f.def.references;
    if (!ref) return false;
    try {
      return ref.target().table === table;
    } catch {
      return false;
    }
  });
}

function resolveLink(model: AnyModel, target: AnyModel, rel: AnyRelation, fail: (why: string) => never) {
  const decl = rel.through!;
  let link: unknown;
  try {
    link = decl.model();
  } catch (error) {
    fail(`its link thunk failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof link !== 'object' || link === null || (link as { kind?: unknown }).kind !== 'model')
    fail('"through" must be a model (declared with model())');
  const l = link as AnyModel;
  const column = (name: string | undefined, side: AnyModel, role: 'from' | 'to'): FieldMeta => {
    if (name !== undefined)
      return fieldOf(l, name) ?? fail(`"${role}" names "${name}", which is not a column of ${l.$name}`);
    const found = referencing(l, side.$table);
    if (found.length !== 1 || model === target) {
      fail(
        `cannot tell which column of ${l.$name} holds the ${side.$name} key: give "${role}" (${found.length} reference it)`,
      );
    }
    return found[0]!;
  };
  const from = column(decl.from, model, 'from');
  const to = column(decl.to, target, 'to');
  if (from === to) fail(`"from" and "to" name the same column of ${l.$name}`);
  return Object.freeze({ model: l, from, to });
}

function resolveAll(model: AnyModel): ReadonlyMap<string, ResolvedRelation> {
  const out = new Map<string, ResolvedRelation>();
  for (const [name, rel] of Object.entries((model.$relations ?? {}) as RelationMap)) {
    const fail = (why: string): never => {
      throw new DeclarationError(model.$name, `relation "${name}": ${why}`);
    };
    let target: unknown;
    try {
      target = rel.target();
    } catch (error) {
      fail(`its target thunk failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof target !== 'object' || target === null || (target as { kind?: unknown }).kind !== 'model') {
      fail('its target thunk must return a model (declared with model())');
    }
    const t = target as AnyModel;
    let local: FieldMeta | undefined;
    let remote: FieldMeta | undefined;
    let link: ResolvedLink | undefined;
    if (rel.cardinality === 'manyToMany') {
      link = resolveLink(model, t, rel, fail);
      local = model.$primaryKey;
      remote = t.$primaryKey;
    } else if (rel.cardinality === 'manyToOne') {
      local =
        fieldOf(model, rel.by) ?? fail(`"by" names "${rel.by}", which is not a column of ${model.$name}`);
      remote = t.$primaryKey;
    } else {
      local = model.$primaryKey;
      remote = fieldOf(t, rel.by) ?? fail(`"by" names "${rel.by}", which is not a column of ${t.$name}`);
    }
    out.set(
      name,
      Object.freeze({
        name,
        cardinality: rel.cardinality,
        model,
        target: t,
        local,
        remote,
        profiles: Object.freeze(rel.profiles.map(canonicalProfile)),
        many: rel.cardinality === 'oneToMany' || rel.cardinality === 'manyToMany',
        ...(link ? { link } : {}),
      }),
    );
  }
  return out;
}

/**
 * The relations of a model with their targets resolved and checked (a thunk that does not return a
 * model, a key that is not a column → {@link DeclarationError}). Resolved once per model.
 *
 * @example
 * ```ts
 * resolveRelations(BenchRecord).get('owner')?.target === BenchUser; // true
 * ```
 */
export function resolveRelations(model: AnyModel): ReadonlyMap<string, ResolvedRelation> {
  let resolved = memo.get(model);
  if (!resolved) {
    resolved = resolveAll(model);
    memo.set(model, resolved);
  }
  return resolved;
}

/** A relation by name (camelCase or snake_case), or undefined. */
export function relationNamed(model: AnyModel, name: string): ResolvedRelation | undefined {
  const all = resolveRelations(model);
  return all.get(name) ?? all.get(name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()));
}

/**
 * Checks everything about a model's relations and projections that needs the related models: relation
 * targets and keys, `projection.fields` columns, custom loaders' `reads`. Call it at boot for every
 * model, so declaration mistakes fail the start-up rather than the first request.
 *
 * @example
 * ```ts
 * for (const m of [BenchUser, BenchRecord, BenchNote]) validateModel(m);
 * ```
 */
export function validateModel(model: AnyModel): void {
  const relations = resolveRelations(model);
  for (const [name, p] of Object.entries((model.$projections ?? {}) as ProjectionMap)) {
    if (p.loader === 'fields') {
      const rel = relations.get(p.via);
      for (const c of p.columns) {
        if (rel && !rel.target.$fieldsByName.has(c)) {
          throw new DeclarationError(
            model.$name,
            `projection "${name}": ${rel.target.$name} has no column "${c}"`,
          );
        }
      }
    }
    if (p.loader === 'custom' && p.reads) {
      const reads = p.reads();
      if (!Array.isArray(reads) || reads.some((m) => (m as { kind?: unknown })?.kind !== 'model')) {
        throw new DeclarationError(model.$name, `projection "${name}": "reads" must return a list of models`);
      }
    }
  }
}
