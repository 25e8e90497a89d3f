import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { FieldMeta } from '../model/model.ts';
import type { ParentId } from '../model/projection.ts';
import type { ResolvedRelation } from '../model/resolve-relations.ts';
import { fetchLinked } from './linked-rows.ts';
import type { BatchStep, ProjectionStep, ReadPlan } from './read-plan.ts';
import { codecOf, type RowCodec } from './row-codec.ts';

type Entity = Record<string, unknown>;

/** Related rows (or counts) grouped by the key value they share with their parent. */
interface Related {
  readonly rows: Map<string, Entity[]> | null;
  readonly counts: Map<string, number>;
}

/** A join key as a map key: values decoded by both sides' codecs compare as text. */
function keyOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The distinct non-null values of `field` among the parents, encoded for binding. */
function parentKeys(parents: readonly Entity[], local: FieldMeta, remote: FieldMeta, codec: RowCodec) {
  const seen = new Map<string, unknown>();
  for (const p of parents) {
    const v = p[local.name];
    if (v === null || v === undefined) continue;
    const k = keyOf(v);
    if (!seen.has(k)) seen.set(k, codec.encodeValue(remote, v));
  }
  return [...seen.values()];
}

async function fetchRelated(
  db: Database,
  rel: ResolvedRelation,
  parents: readonly Entity[],
  step: BatchStep | null,
): Promise<Related> {
  if (rel.link) return fetchLinked(db, rel, parents, step);
  const codec = codecOf(rel.target, db.dialect);
  const keys = parentKeys(parents, rel.local, rel.remote, codec);
  const counts = new Map<string, number>();
  const mode = step?.mode ?? 'rows';
  if (keys.length === 0) return { rows: mode === 'rows' ? new Map<string, Entity[]>() : null, counts };
  const table = rel.target.$table;
  const remote = sql.ref(`${table}.${rel.remote.column}`);
  const ex = db.executor();
  if (mode === 'count' || mode === 'exists') {
    const selected =
      mode === 'count'
        ? sql`select ${remote} as k, count(*) as n from ${sql.table(table)} where ${remote} in (${sql.join(keys)}) group by ${remote}`
        : sql`select distinct ${remote} as k from ${sql.table(table)} where ${remote} in (${sql.join(keys)})`;
    const result = await selected.execute(ex);
    for (const row of result.rows as { k: unknown; n?: unknown }[]) {
      const decoded = codec.decode({ [rel.remote.column]: row.k })[rel.remote.name];
      counts.set(keyOf(decoded), mode === 'count' ? Number(row.n) : 1);
    }
    return { rows: null, counts };
  }
  const columns = step ? step.fields.map((f) => sql.ref(`${table}.${f.column}`)) : [sql.raw('*')];
  const pk = sql.ref(`${table}.${rel.target.$primaryKey.column}`);
  const result =
    await sql<Entity>`select ${sql.join(columns)} from ${sql.table(table)} where ${remote} in (${sql.join(keys)}) order by ${pk}`.execute(
      ex,
    );
  const rows = new Map<string, Entity[]>();
  for (const raw of result.rows) {
    const entity = codec.decode(raw);
    const k = keyOf(entity[rel.remote.name]);
    const list = rows.get(k);
    if (list) list.push(entity);
    else rows.set(k, [entity]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return { rows, counts };
}

function pick(row: Entity, columns: readonly string[]): Entity {
  const out: Entity = {};
  for (const c of columns) out[c] = row[c];
  return out;
}

function projectedValue(step: ProjectionStep, related: Related, parent: Entity): unknown {
  const rel = step.relation!;
  const local = parent[rel.local.name];
  // A parent without a key (a null foreign key) has no related rows.
  const k = local === null || local === undefined ? null : keyOf(local);
  const p = step.projection;
  const count = k === null ? 0 : (related.counts.get(k) ?? 0);
  if (p.loader === 'count') return count;
  if (p.loader === 'exists') return count > 0;
  if (p.loader !== 'fields') return null;
  const rows = (k === null ? undefined : related.rows?.get(k)) ?? [];
  if (rel.many) return rows.map((r) => pick(r, p.columns));
  return rows[0] ? pick(rows[0], p.columns) : null;
}

async function runCustom(
  db: Database,
  plan: ReadPlan,
  step: ProjectionStep,
  parents: Entity[],
): Promise<void> {
  const p = step.projection;
  if (p.loader !== 'custom') return;
  const pk = plan.model.$primaryKey.name;
  const ids = [
    ...new Set(parents.map((e) => e[pk]).filter((v) => v !== null && v !== undefined)),
  ] as ParentId[];
  const values = await p.load(ids, { db, parents, profile: plan.profile });
  const fallback = p.fallback ? p.fallback.value : null;
  for (const parent of parents) {
    const id = parent[pk];
    const found = values.has(id) ? values.get(id) : values.get(String(id));
    parent[step.name] = found === undefined ? fallback : found;
  }
}

/**
 * What a joined read (`joined-read.ts`) leaves to do once its statement has set the relations and the
 * other projections: the custom loaders, level by level in dependency order, then the hidden projections
 * removed.
 *
 * @example
 * ```ts
 * joinedReadOf(plan).apply(rows, entities);
 * await finishJoinedProfile(db, plan, entities);
 * ```
 */
export async function finishJoinedProfile(db: Database, plan: ReadPlan, parents: Entity[]): Promise<void> {
  if (parents.length === 0) return;
  const custom = plan.projections.filter((s) => s.source === 'custom');
  if (custom.length > 0) {
    const maxLevel = Math.max(0, ...custom.map((s) => s.level));
    for (let level = 0; level <= maxLevel; level++) {
      await Promise.all(custom.filter((s) => s.level === level).map((s) => runCustom(db, plan, s, parents)));
    }
  }
  for (const step of plan.projections)
    if (step.hidden) for (const parent of parents) delete parent[step.name];
}

/**
 * Loads a profile's relations and projections onto a page of entities, in place, with a fixed number of
 * statements: one per loaded relation and one per relation read only by projections, whatever the page
 * size (no N+1). Projections of a loaded relation are computed from it in memory; custom loaders run
 * once per page, level by level in dependency order. Related rows are their model's columns.
 *
 * @example
 * ```ts
 * await loadProfile(db, readPlanOf(BenchRecord, 'withDetails'), page.items);
 * ```
 */
export async function loadProfile(db: Database, plan: ReadPlan, parents: Entity[]): Promise<void> {
  if (plan.empty || parents.length === 0) return;
  const relatedBy = new Map<string, Related>();
  await Promise.all([
    ...plan.relations.map(async (rel) => relatedBy.set(rel.name, await fetchRelated(db, rel, parents, null))),
    ...plan.batches.map(async (b) =>
      relatedBy.set(`batch:${b.relation.name}`, await fetchRelated(db, b.relation, parents, b)),
    ),
  ]);
  for (const rel of plan.relations) {
    const rows = relatedBy.get(rel.name)?.rows;
    for (const parent of parents) {
      const list = rows?.get(keyOf(parent[rel.local.name]));
      const value =
        parent[rel.local.name] === null || parent[rel.local.name] === undefined ? undefined : list;
      // A to-one row may be shared by several parents (the same owner): each gets its own copy.
      const first = value?.[0];
      parent[rel.name] = rel.many ? [...(value ?? [])] : first ? { ...first } : null;
    }
  }
  const maxLevel = Math.max(0, ...plan.projections.map((s) => s.level));
  for (let level = 0; level <= maxLevel; level++) {
    const steps = plan.projections.filter((s) => s.level === level);
    await Promise.all(steps.filter((s) => s.source === 'custom').map((s) => runCustom(db, plan, s, parents)));
    for (const step of steps) {
      if (step.source === 'custom') continue;
      const related = relatedBy.get(
        step.source === 'relation' ? step.relation!.name : `batch:${step.relation!.name}`,
      );
      if (!related) continue;
      for (const parent of parents) parent[step.name] = projectedValue(step, related, parent);
    }
  }
  for (const step of plan.projections)
    if (step.hidden) for (const parent of parents) delete parent[step.name];
}
