import type { FieldMeta } from '../model/model.ts';
import type { ResolvedRelation } from '../model/resolve-relations.ts';
import type { BatchStep, ReadPlan } from './read-plan.ts';

type Entity = Record<string, unknown>;

/** The alias of the parent row in a joined read: `select "p".*, … from <table or page> as "p"`. */
export const PARENT = '"p"';

/**
 * A profile read as extra columns of the read's own statement (PostgreSQL), compiled once per plan:
 * each loaded relation and each batch step of the plan becomes one correlated subquery over the parent
 * row, and {@link JoinedRead.apply} turns their values into the same relations and projections the
 * batched loader produces. Custom projections are not part of it (they run their own loader after).
 */
export interface JoinedRead {
  /** `, (…) as "__loom_j0", …`: appended to a select list over the parent alias {@link PARENT}. */
  readonly selectList: string;
  /** Sets relations and non-custom projections on the decoded entities from their raw rows. */
  apply(rows: readonly Entity[], entities: readonly Entity[]): void;
  /** Custom loaders to run or hidden projections to drop after {@link JoinedRead.apply}. */
  readonly finish: boolean;
}

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A target row as `json_agg`/`row_to_json` give it (column keys) → an entity of the given fields. */
function jsonDecoder(fields: readonly FieldMeta[]): (json: unknown) => Entity {
  return (json) => {
    const row = json as Record<string, unknown>;
    const out: Entity = {};
    for (const f of fields) {
      const raw = row[f.column];
      if (raw === undefined || raw === null) out[f.name] = null;
      else out[f.name] = f.def.kind === 'datetime' ? new Date(raw as string) : raw;
    }
    return out;
  };
}

/** The columns of a JSON row: decimals as text, so no precision is lost to a JSON number. */
function jsonColumns(fields: readonly FieldMeta[]): string {
  return fields
    .map((f) =>
      f.def.kind === 'decimal' ? `t.${quote(f.column)}::text as ${quote(f.column)}` : `t.${quote(f.column)}`,
    )
    .join(', ');
}

function related(rel: ResolvedRelation): string {
  // Many-to-many: each target once, whatever the link holds (IN, not a join, so pairs never repeat).
  if (rel.link) {
    const { model, from, to } = rel.link;
    return `from ${quote(rel.target.$table)} as t where t.${quote(rel.remote.column)} in (select l.${quote(to.column)} from ${quote(model.$table)} as l where l.${quote(from.column)} = ${PARENT}.${quote(rel.local.column)})`;
  }
  return `from ${quote(rel.target.$table)} as t where t.${quote(rel.remote.column)} = ${PARENT}.${quote(rel.local.column)}`;
}

/** The target rows (`fields`) of a relation: a JSON array ordered by primary key, or one object / null. */
function rowsSubquery(rel: ResolvedRelation, fields: readonly FieldMeta[]): string {
  const pk = quote(rel.target.$primaryKey.column);
  if (rel.many) {
    return `(select coalesce(json_agg(r order by r.${pk}), '[]'::json) from (select ${jsonColumns(fields)} ${related(rel)}) as r)`;
  }
  return `(select row_to_json(r) from (select ${jsonColumns(fields)} ${related(rel)} order by t.${pk} limit 1) as r)`;
}

function stepSubquery(step: BatchStep): string {
  if (step.mode === 'rows') return rowsSubquery(step.relation, step.fields);
  if (step.mode === 'count') return `(select count(*) ${related(step.relation)})`;
  // A scalar probe with LIMIT 1: an index lookup per parent (`exists (…)` may be planned as a hashed
  // subplan that reads the whole related table).
  return `coalesce((select true ${related(step.relation)} limit 1), false)`;
}

function pick(row: Entity, columns: readonly string[]): Entity {
  const out: Entity = {};
  for (const c of columns) out[c] = row[c];
  return out;
}

/** Related rows of one parent, as the projections read them. */
interface Source {
  readonly rows: readonly Entity[] | null;
  readonly count: number;
}

function compile(plan: ReadPlan): JoinedRead {
  const parts: string[] = [];
  /** Adds a subquery to the select list; returns the key of its value in the raw row. */
  const column = (subquery: string): string => {
    const key = `__loom_j${parts.length}`;
    parts.push(`, ${subquery} as ${quote(key)}`);
    return key;
  };
  const relations = plan.relations.map((rel) => ({
    rel,
    key: column(rowsSubquery(rel, rel.target.$fields)),
    decode: jsonDecoder(rel.target.$fields),
  }));
  const batches = plan.batches.map((step) => ({
    step,
    key: column(stepSubquery(step)),
    decode: jsonDecoder(step.fields),
  }));
  // Where each projection reads its related rows: a slot per relation, then one per batch step, resolved
  // here once (a later step of the same relation wins, as it would overwrite an earlier one). Per row the
  // slots are an array indexed by number: no map, no key strings built per row.
  const relationSlots = new Map(relations.map(({ rel }, i) => [rel.name, i]));
  const batchSlots = new Map(batches.map(({ step }, j) => [step.relation.name, relations.length + j]));
  const projections = plan.projections
    .filter((s) => s.source !== 'custom')
    .map((step) => {
      const name = step.relation?.name ?? '';
      return { step, slot: step.source === 'relation' ? relationSlots.get(name) : batchSlots.get(name) };
    });
  const slotCount = relations.length + batches.length;

  const decodeRows = (value: unknown, many: boolean, decode: (json: unknown) => Entity): Entity[] => {
    if (many) return Array.isArray(value) ? value.map(decode) : [];
    return value === null || value === undefined ? [] : [decode(value)];
  };

  return {
    selectList: parts.join(''),
    finish: plan.projections.some((s) => s.source === 'custom' || s.hidden),
    apply(rows, entities) {
      // Every slot is written for each row before the projections read it.
      const sources = new Array<Source>(slotCount);
      for (let i = 0; i < entities.length; i++) {
        const row = rows[i]!;
        const entity = entities[i]!;
        for (let r = 0; r < relations.length; r++) {
          const { rel, key, decode } = relations[r]!;
          const list = decodeRows(row[key], rel.many, decode);
          entity[rel.name] = rel.many ? list : (list[0] ?? null);
          sources[r] = { rows: list, count: list.length };
        }
        for (let b = 0; b < batches.length; b++) {
          const { step, key, decode } = batches[b]!;
          const value = row[key];
          if (step.mode === 'rows') {
            const list = decodeRows(value, step.relation.many, decode);
            sources[relations.length + b] = { rows: list, count: list.length };
          } else {
            const count = step.mode === 'count' ? Number(value ?? 0) : value === true ? 1 : 0;
            sources[relations.length + b] = { rows: null, count };
          }
        }
        for (const { step, slot } of projections) {
          const rel = step.relation!;
          const source = slot === undefined ? undefined : sources[slot];
          const p = step.projection;
          const count = source?.count ?? 0;
          if (p.loader === 'count') entity[step.name] = count;
          else if (p.loader === 'exists') entity[step.name] = count > 0;
          else if (p.loader === 'fields') {
            const list = source?.rows ?? [];
            entity[step.name] = rel.many
              ? list.map((r) => pick(r, p.columns))
              : list[0]
                ? pick(list[0], p.columns)
                : null;
          }
        }
      }
    },
  };
}

// A memo keyed by the plan object: plans are built once per model and profile.
const memo = new WeakMap<ReadPlan, JoinedRead>();

/**
 * The joined read of a plan, compiled on first use.
 *
 * @example
 * ```ts
 * const joined = joinedReadOf(readPlanOf(BenchRecord, 'withDetails'));
 * const text = `select ${PARENT}.*${joined.selectList} from "bench_records" as ${PARENT} where ${PARENT}."id" = $1`;
 * ```
 */
export function joinedReadOf(plan: ReadPlan): JoinedRead {
  let joined = memo.get(plan);
  if (!joined) {
    joined = compile(plan);
    memo.set(plan, joined);
  }
  return joined;
}
