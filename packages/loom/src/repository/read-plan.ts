import { InvalidQuery } from '../errors/index.ts';
import type { AnyModel, FieldMeta } from '../model/model.ts';
import { canonicalProfile, loadsIn } from '../model/profiles.ts';
import type { AnyProjection } from '../model/projection.ts';
import { type ResolvedRelation, resolveRelations, validateModel } from '../model/resolve-relations.ts';

/**
 * One statement for the whole page against a related table, feeding projections whose relation is not
 * loaded in the profile: `rows` (selected columns), `count` (GROUP BY) or `exists` (DISTINCT keys).
 */
export interface BatchStep {
  readonly relation: ResolvedRelation;
  readonly mode: 'rows' | 'count' | 'exists';
  /** For `rows`: the target fields to select (the remote key and primary key included). */
  readonly fields: readonly FieldMeta[];
}

/** How one projection gets its value. */
export interface ProjectionStep {
  readonly name: string;
  readonly projection: AnyProjection;
  /** `relation`: from a relation loaded in the profile; `batch`: from a batch step; `custom`: its loader. */
  readonly source: 'relation' | 'batch' | 'custom';
  /** The related rows' source: the relation (for `relation`/`batch`). */
  readonly relation: ResolvedRelation | null;
  /** Computed for another projection only: removed from the output. */
  readonly hidden: boolean;
  /** 0 for projections without dependencies, else 1 + the highest level of its dependencies. */
  readonly level: number;
}

/**
 * What reading one profile of one model takes, compiled once: the relations to load, the batch steps
 * for projections, the projections in dependency order, and the tables the result depends on (for
 * cache invalidation). The number of statements is fixed per profile, whatever the page size.
 */
export interface ReadPlan {
  readonly model: AnyModel;
  readonly profile: string;
  readonly relations: readonly ResolvedRelation[];
  readonly batches: readonly BatchStep[];
  readonly projections: readonly ProjectionStep[];
  /** Nothing to load beyond the columns. */
  readonly empty: boolean;
  /** Tables whose writes can change a read of this profile (the model's own table first). */
  readonly tables: readonly string[];
  /** False when a custom loader does not declare what it `reads`: such reads are never cached. */
  readonly cacheable: boolean;
}

// A memo keyed by the model object, not a registry: one plan per model and profile, built on first use.
const memo = new WeakMap<AnyModel, Map<string, ReadPlan>>();

/**
 * The read plan of a profile (camelCase or snake_case; default `default`). An unknown profile is an
 * {@link InvalidQuery} (400) naming the model's profiles.
 *
 * @example
 * ```ts
 * readPlanOf(BenchRecord, 'with_details').relations.map((r) => r.name); // ['owner', 'notes']
 * ```
 */
export function readPlanOf(model: AnyModel, profile: string | undefined): ReadPlan {
  const requested = profile ?? 'default';
  let plans = memo.get(model);
  if (!plans) {
    validateModel(model);
    plans = new Map();
    memo.set(model, plans);
  }
  // Plans are memoized under the canonical name and under each spelling already asked for.
  let plan = plans.get(requested);
  if (!plan) {
    const name = requested === 'default' ? 'default' : canonicalProfile(requested);
    plan = plans.get(name);
    if (!plan) {
      const profiles: readonly string[] = model.$profiles ?? ['default'];
      if (!profiles.includes(name)) {
        throw new InvalidQuery(
          `unknown profile "${profile}" for ${model.$name}; use one of: ${profiles.join(', ')}`,
          'profile',
        );
      }
      plan = compile(model, name);
      plans.set(name, plan);
    }
    plans.set(requested, plan);
  }
  return plan;
}

function compile(model: AnyModel, profile: string): ReadPlan {
  const relations = resolveRelations(model);
  const loaded = [...relations.values()].filter((r) => r.profiles.includes(profile));
  const projections: Record<string, AnyProjection> = model.$projections ?? {};
  // The profile's projections and, transitively, the projections they depend on.
  const wanted = new Set<string>();
  const want = (n: string) => {
    if (wanted.has(n)) return;
    wanted.add(n);
    for (const d of projections[n]?.dependsOn ?? []) want(d);
  };
  for (const [n, p] of Object.entries(projections)) if (loadsIn(p.profiles, profile)) want(n);

  const levels = new Map<string, number>();
  const steps: ProjectionStep[] = [];
  const batchNeeds = new Map<
    string,
    { relation: ResolvedRelation; modes: Set<string>; fields: Set<FieldMeta> }
  >();
  for (const n of model.$projectionOrder ?? []) {
    if (!wanted.has(n)) continue;
    const p = projections[n]!;
    const level = Math.max(-1, ...p.dependsOn.map((d) => levels.get(d) ?? 0)) + 1;
    levels.set(n, level);
    const hidden = !loadsIn(p.profiles, profile);
    if (p.loader === 'custom') {
      steps.push({ name: n, projection: p, source: 'custom', relation: null, hidden, level });
      continue;
    }
    const rel = relations.get(p.via)!;
    if (loaded.includes(rel)) {
      steps.push({ name: n, projection: p, source: 'relation', relation: rel, hidden, level });
      continue;
    }
    let need = batchNeeds.get(rel.name);
    if (!need) {
      need = { relation: rel, modes: new Set(), fields: new Set([rel.remote, rel.target.$primaryKey]) };
      batchNeeds.set(rel.name, need);
    }
    need.modes.add(p.loader === 'fields' ? 'rows' : p.loader);
    if (p.loader === 'fields') for (const c of p.columns) need.fields.add(rel.target.$fieldsByName.get(c)!);
    steps.push({ name: n, projection: p, source: 'batch', relation: rel, hidden, level });
  }
  // One statement per relation: rows serve every loader, counts serve exists too.
  const batches: BatchStep[] = [...batchNeeds.values()].map(({ relation, modes, fields }) => ({
    relation,
    mode: modes.has('rows') ? 'rows' : modes.has('count') ? 'count' : 'exists',
    fields: [...fields],
  }));

  const tables = new Set<string>([model.$table]);
  let cacheable = true;
  for (const r of [...loaded, ...batches.map((b) => b.relation)]) {
    tables.add(r.target.$table);
    if (r.link) tables.add(r.link.model.$table);
  }
  for (const s of steps) {
    if (s.projection.loader !== 'custom') continue;
    if (!s.projection.reads) cacheable = false;
    else for (const m of s.projection.reads()) tables.add(m.$table);
  }
  return Object.freeze({
    model,
    profile,
    relations: Object.freeze(loaded),
    batches: Object.freeze(batches),
    projections: Object.freeze(steps),
    empty: loaded.length === 0 && steps.length === 0,
    tables: Object.freeze([...tables]),
    cacheable,
  });
}
