import { CompiledQuery, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { AnyDB, Database } from '../db/database.ts';
import { InvalidQuery, PreconditionFailed, ValidationError } from '../errors/index.ts';
import type { ManyToManyName } from '../model/infer.ts';
import type { AnyModel, CreateInput, FieldMeta, FieldName, Infer, QueryField } from '../model/model.ts';
import { type ChangeSql, changeSql, changeViolation } from './change-sql.ts';
import { ColumnListKey } from './column-list-key.ts';
import { toConflict, type WriteOperation } from './conflict-mapping.ts';
import { type CursorCodec, cursorCodec } from './cursor-token.ts';
import { type FieldChange, isFieldChange, type UpdateChanges } from './field-change.ts';
import { coerceFieldValue } from './field-values.ts';
import { filterToSql, resolveField } from './filter-sql.ts';
import { type JoinedRead, joinedReadOf, PARENT } from './joined-read.ts';
import { afterValues, cursorAfter, keysetAfter, orderByTerms, type SortKey } from './keyset.ts';
import { type LinkEditor, linkEditor } from './link-editor.ts';
import { finishJoinedProfile, loadProfile } from './profile-loader.ts';
import { type CursorPage, type FilterNode, MAX_LIMIT, type OffsetPage, type SortSpec } from './query-spec.ts';
import { type ReadPlan, readPlanOf } from './read-plan.ts';
import {
  expectedVersions,
  type LinkTargetKey,
  type ModelQuery,
  type ReadOptions,
  type Repository,
  type WriteOptions,
} from './repository.ts';
import { type RowCodec, rowCodecOf } from './row-codec.ts';
import { StatementCache } from './statement-cache.ts';

/** Settings shared by the repositories of one application. */
export interface RepositorySettings {
  /** Signs cursor tokens. Comes from config (`app.cursorSecret`). */
  readonly cursorSecret: string;
}

type Entity = Record<string, unknown>;
type Loaded<M extends AnyModel, P extends string> = Promise<Infer<M, P> | null>;
type Query = SelectQueryBuilder<AnyDB, string, Entity>;

/** The atomic-change parts of an update that has none. */
const NO_PARTS: readonly ChangeSql[] = [];

const quote = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A list's sort keys, their signature (`column:direction,…`, what a cursor token is bound to) and the
 * statement-cache keys of its unfiltered pages by profile. The default order's is kept by its
 * repository, so a page in it builds no key strings per request (each new string is hashed again when
 * it is looked up).
 */
interface ListOrder {
  readonly keys: SortKey[];
  readonly signature: string;
  readonly shapes: Map<string, PageShapes>;
}

/** Statement-cache keys of the unfiltered pages of one order and profile. */
interface PageShapes {
  readonly cursor: string;
  readonly offset: string;
  readonly offsetNoCount: string;
}

function listOrder(keys: SortKey[]): ListOrder {
  return {
    keys,
    signature: keys.map((k) => `${k.field.column}:${k.direction}`).join(','),
    shapes: new Map(),
  };
}

function pageShapes(order: ListOrder, profile: string): PageShapes {
  let shapes = order.shapes.get(profile);
  if (shapes === undefined) {
    const prefix = `${order.signature}:${profile}`;
    shapes = {
      cursor: `list:cursor:${prefix}`,
      offset: `list:offset:${prefix}:true`,
      offsetNoCount: `list:offset:${prefix}:false`,
    };
    order.shapes.set(profile, shapes);
  }
  return shapes;
}

/** `select "p".*, <profile subqueries> from (<base>) as "p" [order by …]`: the base's parameters unchanged. */
function joinedQuery(base: CompiledQuery, joined: JoinedRead, keys: readonly SortKey[] = []): CompiledQuery {
  const order = keys
    .map(({ field, direction }) => {
      const nulls = field.def.nullable ? (direction === 'asc' ? ' nulls first' : ' nulls last') : '';
      return `${PARENT}.${quote(field.column)} ${direction}${nulls}`;
    })
    .join(', ');
  return CompiledQuery.raw(
    `select ${PARENT}.*${joined.selectList} from (${base.sql}) as ${PARENT}${order === '' ? '' : ` order by ${order}`}`,
    [...base.parameters],
  );
}

/**
 * The repository of a model on SQL (PostgreSQL or SQLite) through Kysely. Statements are built from the
 * model's metadata; every call joins the current transaction, if any. Integrity errors become
 * `Conflict` (409) naming the constraint. Reads load the requested profile's relations and projections
 * in batches (a fixed number of statements per call, whatever the page size); writes return the
 * default profile.
 *
 * Extend it for a custom repository:
 *
 * @example
 * ```ts
 * class ProductRepository extends SqlRepository<typeof Product> {
 *   override create(data: CreateInput<typeof Product>) {
 *     return super.create({ ...data, name: data.name.trim() });
 *   }
 *   getBySku(sku: string) {
 *     return this.getBy('sku', sku);
 *   }
 * }
 * ```
 */
export class SqlRepository<M extends AnyModel> implements Repository<M> {
  readonly model: M;
  readonly db: Database;
  protected readonly codec: RowCodec;
  readonly #cursor: CursorCodec;
  readonly #pk: FieldMeta;
  readonly #table: string;
  readonly #statements = new StatementCache();
  #links: Map<string, LinkEditor> | undefined;
  /** The order of a list without `sort` (by primary key), built on first use. */
  #defaultOrder: ListOrder | undefined;
  /** `getById` statement-cache keys by profile ('' = a plain read). */
  readonly #getByIdKeys = new Map<string, string>();
  /** Fields a create never takes from its input: auto-increment keys, and managed ones without timestamps. */
  readonly #notCreated: ReadonlySet<string>;
  /** Statement-cache keys of inserts, and of updates that only set values, by their columns. */
  readonly #createKey = new ColumnListKey('create:');
  readonly #plainUpdateKey = new ColumnListKey('update|', '||');
  /** `exists` statement-cache keys by field: [value, null]. */
  readonly #existsKeys = new Map<FieldMeta, readonly [string, string]>();

  constructor(model: M, db: Database, settings: RepositorySettings) {
    this.model = model;
    this.db = db;
    this.codec = rowCodecOf(model, db.dialect);
    this.#cursor = cursorCodec(settings.cursorSecret);
    this.#pk = model.$primaryKey;
    this.#table = model.$table;
    this.#notCreated = new Set(
      model.$fields
        .filter((f) => f.def.autoIncrement || (f.def.managed && !model.$timestamps))
        .map((f) => f.name),
    );
  }

  /** The joined read of a plan when this database joins profile reads and there is something to load. */
  #joined(plan: ReadPlan): JoinedRead | undefined {
    return this.db.profileReads === 'joined' && !plan.empty ? joinedReadOf(plan) : undefined;
  }

  /**
   * Loads the plan's relations and projections onto decoded entities, as this database reads profiles;
   * undefined when nothing is left to wait for (no promise for reads that need none).
   */
  #load(
    rows: readonly Entity[],
    entities: Entity[],
    plan: ReadPlan,
    joined: JoinedRead | undefined,
  ): Promise<void> | undefined {
    if (plan.empty || entities.length === 0) return undefined;
    if (joined === undefined) return loadProfile(this.db, plan, entities);
    joined.apply(rows, entities);
    return joined.finish ? finishJoinedProfile(this.db, plan, entities) : undefined;
  }

  /** Decoded entities with the plan's relations and projections. */
  async #entities(
    rows: readonly Entity[],
    plan: ReadPlan,
    joined: JoinedRead | undefined,
  ): Promise<Entity[]> {
    const entities = rows.map((r) => this.decode(r) as Entity);
    const pending = this.#load(rows, entities, plan, joined);
    if (pending !== undefined) await pending;
    return entities;
  }

  /** The executor of the current unit of work (transaction or pool). */
  protected get executor() {
    return this.db.executor();
  }

  protected decode(row: Record<string, unknown>): Infer<M> {
    return this.codec.decode(row) as Infer<M>;
  }

  /** The read plan of a profile; an unknown profile is an `InvalidQuery` (400). */
  protected readPlan(options: ReadOptions | undefined): ReadPlan {
    return readPlanOf(this.model, options?.profile);
  }

  /**
   * Loads a profile's relations and projections onto decoded entities, in place (for custom reads).
   *
   * @example
   * ```ts
   * const rows = (await this.executor.selectFrom('bench_records').selectAll().execute()).map((r) => this.decode(r));
   * await this.withProfile(rows, { profile: 'withDetails' });
   * ```
   */
  protected async withProfile<T>(entities: T[], options?: ReadOptions): Promise<T[]> {
    await loadProfile(this.db, this.readPlan(options), entities as Entity[]);
    return entities;
  }

  /** The decoded row with its profile: the entity itself when nothing is to wait for, else a promise of it. */
  #one(
    row: Entity | undefined,
    plan: ReadPlan,
    joined: JoinedRead | undefined,
  ): Entity | null | Promise<Entity> {
    if (!row) return null;
    const entity = this.decode(row) as Entity;
    const pending = this.#load([row], [entity], plan, joined);
    return pending === undefined ? entity : pending.then(() => entity);
  }

  /** The primary key value converted to its declared type; undefined when it cannot exist. */
  #pkValue(id: unknown): unknown {
    try {
      return this.codec.encodeValue(this.#pk, coerceFieldValue(this.#pk.def, id, this.#pk.name));
    } catch {
      return undefined;
    }
  }

  async #write<T>(fn: () => Promise<T>, operation: WriteOperation = 'insert'): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toConflict(error, this.db.dialect, this.model, operation) ?? error;
    }
  }

  create(data: CreateInput<M>): Promise<Infer<M>> {
    // Not an async function: one returning a promise resolves its own through an extra thenable job.
    try {
      return this.#create(data);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** {@link SqlRepository.create}; throws what it finds wrong before the statement (storage checks). */
  #create(data: CreateInput<M>): Promise<Infer<M>> {
    // Copied without the fields the database or loom fills (not copied and deleted: `delete` turns the
    // object into a slow dictionary, and the codec walks it next).
    const values: Entity = {};
    const source = data as Entity;
    const skipped = this.#notCreated;
    for (const name of Object.keys(source)) if (!skipped.has(name)) values[name] = source[name];
    if (this.model.$timestamps) {
      const now = new Date();
      values.createdAt = now;
      values.updatedAt = now;
    }
    // Every row starts at version 1, whatever the caller sent.
    const version = this.model.$version;
    if (version) values[version.name] = 1;
    const row = this.codec.encode(values);
    const columns = Object.keys(row);
    if (columns.length === 0) {
      return this.#write(async () => {
        const inserted = (
          await sql<Entity>`insert into ${sql.table(this.#table)} default values returning *`.execute(
            this.executor,
          )
        ).rows[0];
        return this.decode(inserted as Entity);
      }).then((entity) => this.#withDefaults(entity));
    }
    // One text per set of columns, compiled once (the encoded row holds only plain values: no
    // undefined, no SQL expressions), run through `Database.execute` like reads and updates.
    const query = this.#statements.compiled(this.#createKey.of(columns), Object.values(row), () =>
      this.executor.insertInto(this.#table).values(row).returningAll().compile(),
    );
    return this.#write(() =>
      this.db.execute<Entity>(query).then(({ rows }) => this.decode(rows[0] as Entity)),
    ).then((entity) => this.#withDefaults(entity));
  }

  /** Writes return the default profile: its projections (if any) are loaded after the write. */
  #withDefaults(entity: Infer<M>): Infer<M> | Promise<Infer<M>> {
    const plan = readPlanOf(this.model, undefined);
    if (plan.empty) return entity;
    return loadProfile(this.db, plan, [entity as Entity]).then(() => entity);
  }

  async getById<const P extends string = 'default'>(id: unknown, options?: ReadOptions<P>): Loaded<M, P> {
    const plan = this.readPlan(options);
    const key = this.#pkValue(id);
    if (key === undefined) return null;
    const joined = this.#joined(plan);
    const ex = this.executor;
    const profile = joined ? plan.profile : '';
    let cacheKey = this.#getByIdKeys.get(profile);
    if (cacheKey === undefined) {
      cacheKey = `getById:${profile}`;
      this.#getByIdKeys.set(profile, cacheKey);
    }
    const query = this.#statements.compiled(cacheKey, [key], () => {
      const base = ex.selectFrom(this.#table).selectAll().where(this.#pk.column, '=', key).compile();
      return joined ? joinedQuery(base, joined) : base;
    });
    const { rows } = await this.db.execute<Entity>(query);
    return this.#one(rows[0], plan, joined) as Infer<M, P> | null | Promise<Infer<M, P>>;
  }

  async getBy<F extends FieldName<M>, const P extends string = 'default'>(
    field: F,
    value: Infer<M>[F],
    options?: ReadOptions<P>,
  ): Loaded<M, P> {
    const plan = this.readPlan(options);
    const f = resolveField(this.model, field, 'filter');
    const joined = this.#joined(plan);
    const isNull = value === null;
    const encoded = isNull ? null : this.#fieldValue(f, value);
    const query = this.#statements.compiled(
      `getBy:${f.column}:${isNull ? 'null' : 'eq'}:${joined ? plan.profile : ''}`,
      isNull ? [1] : [encoded, 1],
      () => {
        const base = this.#selectWhereField(f, isNull, encoded).selectAll().limit(1).compile();
        return joined ? joinedQuery(base, joined) : base;
      },
    );
    const { rows } = await this.db.execute<Entity>(query);
    return this.#one(rows[0], plan, joined) as Infer<M, P> | null | Promise<Infer<M, P>>;
  }

  async exists<F extends FieldName<M>>(field: F, value: Infer<M>[F]): Promise<boolean> {
    const f = resolveField(this.model, field, 'filter');
    const isNull = value === null;
    const encoded = isNull ? null : this.#fieldValue(f, value);
    // Compiled once per column (and null test): a unique check runs on every create of some models.
    let keys = this.#existsKeys.get(f);
    if (keys === undefined) {
      keys = [`exists:${f.column}:eq`, `exists:${f.column}:null`];
      this.#existsKeys.set(f, keys);
    }
    const query = this.#statements.compiled(isNull ? keys[1] : keys[0], isNull ? [1] : [encoded, 1], () =>
      this.#selectWhereField(f, isNull, encoded).select(sql.lit(1).as('one')).limit(1).compile(),
    );
    const { rows } = await this.db.execute<Entity>(query);
    return rows.length > 0;
  }

  /** The value bound for `f` in a lookup: the caller's value coerced to the field's type and encoded. */
  #fieldValue(f: FieldMeta, value: unknown): unknown {
    return this.codec.encodeValue(f, coerceFieldValue(f.def, value, f.name));
  }

  /** `select … where <f> is null`, or `= <encoded>` (from {@link SqlRepository.#fieldValue}). */
  #selectWhereField(f: FieldMeta, isNull: boolean, encoded: unknown) {
    const q = this.executor.selectFrom(this.#table);
    if (isNull) return q.where(f.column, 'is', null);
    return q.where(f.column, '=', encoded);
  }

  update(id: unknown, patch: UpdateChanges<M>, options?: WriteOptions): Promise<Infer<M> | null> {
    // Not an async function, as `create`.
    let expected: readonly number[] | undefined;
    try {
      expected = expectedVersions(this.model, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#update(id, patch, expected, 0);
  }

  async #update(
    id: unknown,
    patch: UpdateChanges<M>,
    expected: readonly number[] | undefined,
    attempt: number,
  ): Promise<Infer<M> | null> {
    const key = this.#pkValue(id);
    if (key === undefined) return null;
    const values: Entity = {};
    const changes: [FieldMeta, FieldChange][] = [];
    const fieldsByName = this.model.$fieldsByName;
    const source = patch as Entity;
    for (const name of Object.keys(source)) {
      const value = source[name];
      const f = fieldsByName.get(name);
      // Only declared, client-writable fields: unknown keys and managed columns are never written.
      if (!f || f.def.autoIncrement || f.def.managed || f.def.primaryKey || value === undefined) continue;
      if (isFieldChange(value)) changes.push([f, value]);
      else values[name] = value;
    }
    if (this.model.$timestamps) values.updatedAt = new Date();
    const row = this.codec.encode(values);
    // The statement's parameters in one pass over the encoded row (this runs on every update: no
    // intermediate arrays for the plain case of set columns and an id).
    const columns = Object.keys(row);
    const parameters: unknown[] = [];
    for (const column of columns) parameters.push(row[column]);
    if (columns.length === 0 && changes.length === 0) {
      const current = await this.getById(id);
      if (current !== null && expected !== undefined) this.#checkVersion(id, current as Entity, expected);
      return current as Infer<M> | null;
    }
    const parts = changes.length === 0 ? NO_PARTS : changes.map(([f, c]) => changeSql(f, c, this.db.dialect));
    let partShapes = '';
    const guards: NonNullable<ChangeSql['guard']>[] = [];
    for (const part of parts) {
      partShapes = partShapes === '' ? part.shape : `${partShapes},${part.shape}`;
      parameters.push(...part.params);
      if (part.guard) guards.push(part.guard);
    }
    parameters.push(key);
    if (expected !== undefined) parameters.push(...expected);
    for (const guard of guards) parameters.push(...guard.params);
    // `update|<columns>|<change shapes>|<versions>`; an update that only sets values (the common case)
    // takes the same key from its memo instead of joining it again.
    const shape =
      parts.length === 0 && expected === undefined
        ? this.#plainUpdateKey.of(columns)
        : `update|${columns.join(',')}|${partShapes}|${expected === undefined ? '' : `v${expected.length}`}`;
    const query = this.#statements.compiled(shape, parameters, () =>
      this.#compileUpdate(row, changes, parts, guards, key, expected),
    );
    let rows: Entity[];
    try {
      rows = (await this.db.execute<Entity>(query)).rows;
    } catch (error) {
      throw toConflict(error, this.db.dialect, this.model, 'update') ?? error;
    }
    const updated = rows[0];
    if (updated) return this.#withDefaults(this.decode(updated));
    if (expected === undefined && guards.length === 0) return null;
    // No row matched: missing, moved on (version) or refused by a guard. Read it to tell which.
    const current = (await this.getById(id)) as Entity | null;
    if (current === null) return null;
    if (expected !== undefined) this.#checkVersion(id, current, expected);
    const violations = changes.flatMap(([f, c]) => changeViolation(f, c, current[f.name]) ?? []);
    if (violations.length > 0) throw new ValidationError(violations);
    // The row changed between the update and the read so that the guard now passes: try again.
    if (attempt >= 3) throw new PreconditionFailed(this.model.$name, id, 'the row kept changing; retry');
    return this.#update(id, patch, expected, attempt + 1);
  }

  /** The UPDATE of {@link SqlRepository.#update}, built with Kysely (once per shape: the statement cache keeps it). */
  #compileUpdate(
    row: Entity,
    changes: readonly [FieldMeta, FieldChange][],
    parts: readonly ChangeSql[],
    guards: readonly NonNullable<ChangeSql['guard']>[],
    key: unknown,
    expected: readonly number[] | undefined,
  ): CompiledQuery {
    const set: Record<string, unknown> = { ...row };
    parts.forEach((p, i) => {
      set[(changes[i] as [FieldMeta, FieldChange])[0].column] = p.expr;
    });
    const version = this.model.$version;
    if (version) set[version.column] = sql`${sql.ref(version.column)} + 1`;
    let q = this.executor.updateTable(this.#table).set(set).where(this.#pk.column, '=', key);
    if (expected !== undefined && version) q = q.where(version.column, 'in', expected);
    for (const g of guards) q = q.where(g.expr as RawBuilder<SqlBool>);
    return q.returningAll().compile();
  }

  #checkVersion(id: unknown, current: Entity, expected: readonly number[]): void {
    const field = this.model.$version;
    const found = field ? Number(current[field.name]) : undefined;
    if (found !== undefined && expected.includes(found)) return;
    throw new PreconditionFailed(
      this.model.$name,
      id,
      `${this.model.$name} ${String(id)} is at version ${found}, not ${expected.join(' or ')}: it changed since it was read`,
      found,
    );
  }

  async delete(id: unknown, options?: WriteOptions): Promise<boolean> {
    const key = this.#pkValue(id);
    if (key === undefined) return false;
    const expected = expectedVersions(this.model, options);
    const version = this.model.$version;
    const deleted = await this.#write(async () => {
      let q = this.executor.deleteFrom(this.#table).where(this.#pk.column, '=', key);
      if (expected !== undefined && version) q = q.where(version.column, 'in', expected);
      const result = await q.executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    }, 'delete');
    if (deleted || expected === undefined) return deleted;
    const current = (await this.getById(id)) as Entity | null;
    if (current === null) return false;
    this.#checkVersion(id, current, expected);
    return false;
  }

  async count(filter?: FilterNode<QueryField<M>>): Promise<number> {
    let q = this.executor.selectFrom(this.#table).select(sql<number>`count(*)`.as('n'));
    if (filter) q = q.where(filterToSql(this.model, this.codec, this.db.dialect, filter));
    const row = await q.executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The link rows of a many-to-many relation, in the current unit of work (see `LinkEditor`).
   *
   * @example
   * ```ts
   * await repo.links('tags').set(product.id, [1, 2]);
   * ```
   */
  links<N extends ManyToManyName<M>>(name: N): LinkEditor<LinkTargetKey<M, N>> {
    let editors = this.#links;
    if (!editors) {
      editors = new Map();
      this.#links = editors;
    }
    let editor = editors.get(name);
    if (!editor) {
      editor = linkEditor(this.db, this.model, name);
      editors.set(name, editor);
    }
    return editor as LinkEditor<LinkTargetKey<M, N>>;
  }

  list<const P extends string = 'default'>(
    query: ModelQuery<M> & { pagination: { mode: 'offset' } },
    options?: ReadOptions<P>,
  ): Promise<OffsetPage<Infer<M, P>>>;
  list<const P extends string = 'default'>(
    query: ModelQuery<M> & { pagination: { mode: 'cursor' } },
    options?: ReadOptions<P>,
  ): Promise<CursorPage<Infer<M, P>>>;
  list<const P extends string = 'default'>(
    query: ModelQuery<M>,
    options?: ReadOptions<P>,
  ): Promise<OffsetPage<Infer<M, P>> | CursorPage<Infer<M, P>>>;
  async list(query: ModelQuery<M>, options?: ReadOptions): Promise<OffsetPage<Entity> | CursorPage<Entity>> {
    const plan = this.readPlan(options);
    const p = query.pagination;
    if (!Number.isInteger(p.limit) || p.limit < 1 || p.limit > MAX_LIMIT) {
      throw new InvalidQuery(`limit must be an integer between 1 and ${MAX_LIMIT}`, 'limit');
    }
    const order = this.#order(query.sort);
    const { keys, signature } = order;
    const joined = this.#joined(plan);
    const ex = this.executor;
    const base = (): Query => {
      let q = ex.selectFrom(this.#table) as unknown as Query;
      if (query.filter) q = q.where(filterToSql(this.model, this.codec, this.db.dialect, query.filter));
      for (const term of orderByTerms(keys)) q = q.orderBy(term);
      return q;
    };
    const compile = (q: Query): CompiledQuery =>
      joined ? joinedQuery(q.compile(), joined, keys) : q.compile();
    // Without filters or a cursor, a page's statement depends only on its shape: compiled once.
    const shape = query.filter ? undefined : pageShapes(order, joined ? plan.profile : '');
    if (p.mode === 'offset') {
      if (!Number.isInteger(p.page) || p.page < 1)
        throw new InvalidQuery('page must be an integer ≥ 1', 'page');
      const withCount = p.withCount !== false;
      const limit = withCount ? p.limit : p.limit + 1;
      const offset = (p.page - 1) * p.limit;
      const build = () => {
        const sel = base().selectAll().limit(limit).offset(offset);
        return compile(withCount ? sel.select(sql<number>`count(*) over ()`.as('__total')) : sel);
      };
      const statement =
        shape === undefined
          ? build()
          : this.#statements.compiled(withCount ? shape.offset : shape.offsetNoCount, [limit, offset], build);
      const { rows } = await this.db.execute<Entity>(statement);
      let total: number;
      if (!withCount) total = -1;
      else if (rows.length > 0) total = Number(rows[0]!.__total);
      // An empty page past the end still reports the real total.
      else total = p.page === 1 ? 0 : await this.count(query.filter);
      const items = await this.#entities(rows.slice(0, p.limit), plan, joined);
      const hasNext = withCount ? (p.page - 1) * p.limit + items.length < total : rows.length > p.limit;
      return { items, totalCount: Math.max(total, 0), page: p.page, limit: p.limit, hasNext };
    }
    const after = p.after !== undefined && p.after !== '' ? p.after : undefined;
    const build = () => {
      let q = base();
      if (after !== undefined) {
        q = q.where(keysetAfter(keys, afterValues(this.#cursor, this.codec, keys, signature, after)));
      }
      return compile(q.selectAll().limit(p.limit + 1));
    };
    const statement =
      shape === undefined || after !== undefined
        ? build()
        : this.#statements.compiled(shape.cursor, [p.limit + 1], build);
    const { rows } = await this.db.execute<Entity>(statement);
    const hasNext = rows.length > p.limit;
    const items = await this.#entities(rows.slice(0, p.limit), plan, joined);
    const last = items[items.length - 1];
    const nextCursor = hasNext && last ? cursorAfter(this.#cursor, keys, signature, last) : null;
    return { items, nextCursor, hasNext };
  }

  /** The keys and signature of a list's sort; the default order is built once per repository. */
  #order(sort: readonly SortSpec[] | undefined): ListOrder {
    if (sort !== undefined && sort.length > 0) return listOrder(this.sortKeys(sort));
    this.#defaultOrder ??= listOrder(this.sortKeys([]));
    return this.#defaultOrder;
  }

  /** Resolves sort specs and appends the primary key as the tie-breaker (keyset needs a total order). */
  protected sortKeys(sort: readonly SortSpec[]): SortKey[] {
    const keys: SortKey[] = sort.map((s) => ({
      field: resolveField(this.model, s.field, 'sort'),
      direction: s.direction,
    }));
    if (!keys.some((k) => k.field === this.#pk)) {
      keys.push({ field: this.#pk, direction: keys[0]?.direction ?? 'asc' });
    }
    return keys;
  }
}
