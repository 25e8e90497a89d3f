import { type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/database.ts';
import type { FieldMeta } from '../model/model.ts';
import type { ResolvedLink, ResolvedRelation } from '../model/resolve-relations.ts';
import type { BatchStep } from './read-plan.ts';
import { codecOf } from './row-codec.ts';

type Entity = Record<string, unknown>;

/** The column a batched many-to-many read adds to each target row: the parent it belongs to. */
const PARENT_KEY = '__loom_parent';

/** A join key as a map key (as in the profile loader): values compare as text. */
function keyOf(value: unknown): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

/** The link of a many-to-many relation; a programming error on any other relation. */
export function linkOf(rel: ResolvedRelation): ResolvedLink {
  if (!rel.link) throw new TypeError(`relation "${rel.name}" of ${rel.model.$name} is not many-to-many`);
  return rel.link;
}

/**
 * The distinct link pairs of a set of parent keys, as a derived table `(from, to)`: each related
 * target appears once per parent even if the link table holds a pair twice (nothing but a unique
 * index, which an app may add by migration, prevents two concurrent `add`s of the same pair).
 */
function pairs(link: ResolvedLink, keys: readonly unknown[]): RawBuilder<unknown> {
  const from = sql.ref(link.from.column);
  const to = sql.ref(link.to.column);
  return sql`(select distinct ${from}, ${to} from ${sql.table(link.model.$table)} where ${from} in (${sql.join(keys)}))`;
}

/**
 * One statement for the whole page of a many-to-many relation (no N+1): the target rows with the
 * parent key they belong to (`rows`), or per-parent counts (`count`, `exists`). The result has the
 * shape the profile loader groups by: related rows and counts by the parent's key.
 *
 * @example
 * ```ts
 * const { rows } = await fetchLinked(db, relationNamed(Product, 'tags')!, page.items, null);
 * rows?.get('1'); // the tags of product 1, by tag id
 * ```
 */
export async function fetchLinked(
  db: Database,
  rel: ResolvedRelation,
  parents: readonly Entity[],
  step: BatchStep | null,
): Promise<{ rows: Map<string, Entity[]> | null; counts: Map<string, number> }> {
  const link = linkOf(rel);
  const linkCodec = codecOf(link.model, db.dialect);
  const seen = new Map<string, unknown>();
  for (const p of parents) {
    const v = p[rel.local.name];
    if (v === null || v === undefined) continue;
    const k = keyOf(v);
    if (!seen.has(k)) seen.set(k, linkCodec.encodeValue(link.from, v));
  }
  const keys = [...seen.values()];
  const counts = new Map<string, number>();
  const mode = step?.mode ?? 'rows';
  if (keys.length === 0) return { rows: mode === 'rows' ? new Map() : null, counts };
  const parentOf = (raw: unknown): string =>
    keyOf(linkCodec.decode({ [link.from.column]: raw })[link.from.name]);
  const ex = db.executor();
  if (mode === 'count' || mode === 'exists') {
    const from = sql.ref(`l.${link.from.column}`);
    const result = await sql<{
      k: unknown;
      n: unknown;
    }>`select ${from} as k, count(*) as n from ${pairs(link, keys)} as l group by ${from}`.execute(ex);
    for (const row of result.rows) counts.set(parentOf(row.k), mode === 'count' ? Number(row.n) : 1);
    return { rows: null, counts };
  }
  const target = rel.target;
  const fields: readonly FieldMeta[] = step ? step.fields : target.$fields;
  const columns = fields.map((f) => sql.ref(`t.${f.column}`));
  const pk = sql.ref(`t.${target.$primaryKey.column}`);
  const result =
    await sql<Entity>`select ${sql.join(columns)}, ${sql.ref(`l.${link.from.column}`)} as ${sql.id(PARENT_KEY)}
    from ${sql.table(target.$table)} as t join ${pairs(link, keys)} as l on ${sql.ref(`l.${link.to.column}`)} = ${pk}
    order by ${pk}`.execute(ex);
  const codec = codecOf(target, db.dialect);
  const rows = new Map<string, Entity[]>();
  for (const raw of result.rows) {
    const k = parentOf(raw[PARENT_KEY]);
    const entity = codec.decode(raw);
    const list = rows.get(k);
    if (list) list.push(entity);
    else rows.set(k, [entity]);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return { rows, counts };
}
