import { sql } from 'kysely';
import type { Database } from '../db/database.ts';
import { InvalidQuery, NotFound } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { relationNamed } from '../model/resolve-relations.ts';
import { toConflict } from './conflict-mapping.ts';
import { coerceFieldValue } from './field-values.ts';
import { linkOf } from './linked-rows.ts';
import { codecOf } from './row-codec.ts';

/**
 * Maintains the link rows of one many-to-many relation of a repository's model (`repo.links('tags')`).
 * Every method runs on the current unit of work: inside a use case, in its transaction (rolled back
 * with it); outside one, `set` opens its own so the delete and the insert land together. A target key
 * that does not exist is a `NotFound` (404) naming the target model and the key, on both dialects
 * (checked before the insert; a target deleted meanwhile is the link's foreign-key conflict, 409).
 */
export interface LinkEditor<K = unknown> {
  /** The keys of the targets linked to row `id`, ascending, each once. */
  list(id: unknown): Promise<K[]>;
  /** Makes the targets of `id` exactly `targetIds`: removes the others, adds the missing ones. */
  set(id: unknown, targetIds: readonly K[]): Promise<{ added: number; removed: number }>;
  /** Links the targets not linked yet; returns how many links were added. */
  add(id: unknown, targetIds: readonly K[]): Promise<number>;
  /** Unlinks the targets; returns how many links were removed. */
  remove(id: unknown, targetIds: readonly K[]): Promise<number>;
}

/**
 * The link editor of a model's many-to-many relation `name` (camelCase or snake_case). A name that
 * is not a many-to-many relation is a programming error (TypeError).
 *
 * @example
 * ```ts
 * const tags = linkEditor(db, Product, 'tags');
 * await tags.set(productId, [1, 2]); // { added: 2, removed: 0 }
 * await tags.remove(productId, [2]); // 1
 * ```
 */
export function linkEditor(db: Database, model: AnyModel, name: string): LinkEditor {
  const rel = relationNamed(model, name);
  if (!rel?.link) throw new TypeError(`${model.$name} has no many-to-many relation "${name}"`);
  const link = linkOf(rel);
  const codec = codecOf(link.model, db.dialect);
  const table = sql.table(link.model.$table);
  const from = sql.ref(link.from.column);
  const to = sql.ref(link.to.column);
  const owner = (id: unknown) =>
    codec.encodeValue(link.from, coerceFieldValue(link.from.def, id, model.$primaryKey.name));
  // Target keys converted by the link column's type (a wrong one is a 400 naming the field), each once.
  const targets = (ids: readonly unknown[]): unknown[] => {
    if (!Array.isArray(ids)) throw new InvalidQuery(`${rel.name}: give a list of keys`, link.to.name);
    const seen = new Map<string, unknown>();
    for (const id of ids) {
      const value = coerceFieldValue(link.to.def, id, link.to.name);
      seen.set(String(value), value);
    }
    return [...seen.values()].map((v) => codec.encodeValue(link.to, v));
  };
  const pairIsUnique = link.model.$indexes.some(
    (i) =>
      i.unique === true &&
      i.fields.length === 2 &&
      i.fields.includes(link.from.name) &&
      i.fields.includes(link.to.name),
  );
  const decodeTo = (raw: unknown) => codec.decode({ [link.to.column]: raw })[link.to.name];
  const linked = async (key: unknown): Promise<unknown[]> => {
    const result = await sql<{
      k: unknown;
    }>`select distinct ${to} as k from ${table} where ${from} = ${key} order by k`.execute(db.executor());
    return result.rows.map((r) => r.k);
  };

  const add = async (id: unknown, ids: readonly unknown[]): Promise<number> => {
    const key = owner(id);
    const wanted = targets(ids);
    if (wanted.length === 0) return 0;
    const present = new Set((await linked(key)).map((k) => String(decodeTo(k))));
    const missing = wanted.filter((v) => !present.has(String(decodeTo(v))));
    if (missing.length === 0) return 0;
    const pk = sql.ref(rel.target.$primaryKey.column);
    const found = await sql<{
      k: unknown;
    }>`select ${pk} as k from ${sql.table(rel.target.$table)} where ${pk} in (${sql.join(missing)})`.execute(
      db.executor(),
    );
    if (found.rows.length < missing.length) {
      const exists = new Set(found.rows.map((r) => String(decodeTo(r.k))));
      const absent = missing.map(decodeTo).find((v) => !exists.has(String(v)));
      throw new NotFound(rel.target.$name, absent);
    }
    const rows = missing.map((v) => sql`(${key}, ${v})`);
    // With a unique index on the pair, a concurrent add of the same pair is skipped, not a conflict.
    const skip = pairIsUnique ? sql` on conflict (${from}, ${to}) do nothing` : sql``;
    try {
      const result = await sql`insert into ${table} (${from}, ${to}) values ${sql.join(rows)}${skip}`.execute(
        db.executor(),
      );
      return result.numAffectedRows === undefined ? missing.length : Number(result.numAffectedRows);
    } catch (error) {
      throw toConflict(error, db.dialect, link.model, 'insert') ?? error;
    }
  };
  const remove = async (id: unknown, ids: readonly unknown[]): Promise<number> => {
    const key = owner(id);
    const gone = targets(ids);
    if (gone.length === 0) return 0;
    const present = new Set((await linked(key)).map((k) => String(decodeTo(k))));
    const removed = gone.filter((v) => present.has(String(decodeTo(v)))).length;
    await sql`delete from ${table} where ${from} = ${key} and ${to} in (${sql.join(gone)})`.execute(
      db.executor(),
    );
    return removed;
  };

  return {
    async list(id) {
      return (await linked(owner(id))).map(decodeTo);
    },
    add,
    remove,
    set(id, ids) {
      const wanted = targets(ids);
      return db.transaction(async () => {
        const current = (await linked(owner(id))).map(decodeTo);
        const keep = new Set(wanted.map((v) => String(decodeTo(v))));
        const stale = current.filter((v) => !keep.has(String(v)));
        const removed = stale.length === 0 ? 0 : await remove(id, stale);
        const added = await add(
          id,
          wanted.map((v) => decodeTo(v)),
        );
        return { added, removed };
      });
    },
  };
}
