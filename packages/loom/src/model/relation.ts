import type { AnyModel, FieldName } from './model.ts';

/** How many rows of the target a parent row is related to, and which side holds the key. */
export type Cardinality = 'manyToOne' | 'oneToMany' | 'oneToOne' | 'manyToMany';

/**
 * A declared relation: read in batches for the profiles that list it, never a column, never lazy.
 * `by` names the key column: on this model for `manyToOne` (it holds the target's primary key), on the
 * target for `oneToMany` / `oneToOne` (it holds this model's primary key); for `manyToMany` the link
 * model's column that holds this model's primary key (`from`, `''` when inferred).
 */
export interface Relation<
  K extends Cardinality = Cardinality,
  T extends AnyModel = AnyModel,
  B extends string = string,
  P extends string = string,
> {
  readonly kind: 'relation';
  readonly cardinality: K;
  /** A thunk, so models may refer to each other in any declaration order. */
  readonly target: () => T;
  readonly by: B;
  /** The profiles that load it, as declared (camelCase or snake_case). */
  readonly profiles: readonly P[];
  /** `manyToMany` only: the link model, and its columns holding this model's and the target's keys. */
  readonly through?: LinkDecl;
}

/** The link of a `manyToMany` relation, as declared (columns resolved on first use when omitted). */
export interface LinkDecl {
  readonly model: () => AnyModel;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/**
 * Options of {@link relation.manyToMany}: the link model (one row per related pair) and, when it
 * cannot be told from the link's `references`, the link columns pointing at this model (`from`) and at
 * the target (`to`).
 */
export interface ManyToManyOptions<L extends AnyModel, P extends string> {
  /** The link model, or a thunk returning it (for declarations that refer to each other). */
  readonly through: L | (() => L);
  /** The link column holding this model's primary key. Default: the link column that references it. */
  readonly from?: FieldName<L>;
  /** The link column holding the target's primary key. Default: the link column that references it. */
  readonly to?: FieldName<L>;
  readonly profiles?: readonly P[];
}

// biome-ignore lint/suspicious/noExplicitAny: the widest relation type, used only as a constraint.
export type AnyRelation = Relation<Cardinality, any, string, string>;

/** The relations of a model, by name. */
export type RelationMap = Readonly<Record<string, AnyRelation>>;

/** Options of a relation: its key column and the profiles that load it (default: `['default']`). */
export interface RelationOptions<B extends string, P extends string> {
  readonly by: B;
  readonly profiles?: readonly P[];
}

function build<K extends Cardinality, T extends AnyModel, B extends string, P extends string>(
  cardinality: K,
  target: () => T,
  options: RelationOptions<B, P>,
): Relation<K, T, B, P> {
  if (typeof target !== 'function')
    throw new Error(`relation.${cardinality}: the target must be a thunk (() => Model)`);
  if (typeof options?.by !== 'string' || options.by === '') {
    throw new Error(`relation.${cardinality}: "by" must name the key column`);
  }
  const profiles = options.profiles ?? (['default'] as readonly string[] as readonly P[]);
  return Object.freeze({
    kind: 'relation',
    cardinality,
    target,
    by: options.by,
    profiles: Object.freeze([...profiles]),
  });
}

/**
 * Relation builders, used in a model's `relations` option. Related rows carry their columns only
 * (no nested relations); they are loaded with one statement per relation for the whole page.
 *
 * Declarations that refer to each other need one type annotation to break the initializer cycle
 * (TypeScript cannot infer a type from itself): a foreign key back to a model that declares a relation
 * to this one is written `references((): ColumnRef => Record.id)`; a relation to this same model, or
 * two models with relations to each other, type one thunk `(): AnyModel => Other` (its rows are then
 * loosely typed).
 *
 * @example
 * ```ts
 * export const BenchRecord = model('bench_records', {
 *   id: column.int().primaryKey().autoIncrement(),
 *   ownerId: column.int().references(() => BenchUser.id),
 *   title: column.string(120),
 * }, {
 *   relations: {
 *     owner: relation.manyToOne(() => BenchUser, { by: 'ownerId', profiles: ['withDetails'] }),
 *     notes: relation.oneToMany(() => BenchNote, { by: 'recordId', profiles: ['withDetails'] }),
 *   },
 * });
 * ```
 */
export const relation = {
  /** This model holds the key (`by`, a column of this model) of one target row: `T | null`. */
  manyToOne: <T extends AnyModel, const B extends string, const P extends string = 'default'>(
    target: () => T,
    options: RelationOptions<B, P>,
  ): Relation<'manyToOne', T, B, P> => build('manyToOne', target, options),
  /** Target rows hold this model's primary key in `by` (a column of the target): `T[]`. */
  oneToMany: <T extends AnyModel, const B extends FieldName<T>, const P extends string = 'default'>(
    target: () => T,
    options: RelationOptions<B, P>,
  ): Relation<'oneToMany', T, B, P> => build('oneToMany', target, options),
  /** At most one target row holds this model's primary key in `by`: `T | null`. */
  oneToOne: <T extends AnyModel, const B extends FieldName<T>, const P extends string = 'default'>(
    target: () => T,
    options: RelationOptions<B, P>,
  ): Relation<'oneToOne', T, B, P> => build('oneToOne', target, options),
  /**
   * Target rows related through a link model, one link row per pair: `T[]`, ordered by the target's
   * primary key, each target once. Maintained with `repo.links(name).set/add/remove`; filtered with
   * `name__field=…` (some related row matches) and `name__exists=true|false`.
   *
   * @example
   * ```ts
   * export const ProductTag = model('product_tags', {
   *   id: column.int().primaryKey().autoIncrement(),
   *   productId: column.int().references((): ColumnRef => Product.id, { onDelete: 'cascade' }).index(),
   *   tagId: column.int().references(() => Tag.id, { onDelete: 'cascade' }).index(),
   * });
   * // in Product's options:
   * relations: { tags: relation.manyToMany(() => Tag, { through: () => ProductTag, profiles: ['withTags'] }) }
   * ```
   */
  manyToMany: <T extends AnyModel, L extends AnyModel, const P extends string = 'default'>(
    target: () => T,
    options: ManyToManyOptions<L, P>,
  ): Relation<'manyToMany', T, string, P> => manyToMany(target, options),
};

function manyToMany<T extends AnyModel, L extends AnyModel, P extends string>(
  target: () => T,
  options: ManyToManyOptions<L, P>,
): Relation<'manyToMany', T, string, P> {
  if (typeof target !== 'function')
    throw new Error('relation.manyToMany: the target must be a thunk (() => Model)');
  const through = options?.through as unknown;
  const link =
    typeof through === 'function'
      ? (through as () => AnyModel)
      : typeof through === 'object' && through !== null && (through as { kind?: unknown }).kind === 'model'
        ? () => through as AnyModel
        : undefined;
  if (!link)
    throw new Error('relation.manyToMany: "through" must be the link model (or a thunk returning it)');
  const profiles = options.profiles ?? (['default'] as readonly string[] as readonly P[]);
  return Object.freeze({
    kind: 'relation',
    cardinality: 'manyToMany',
    target,
    by: options.from ?? '',
    profiles: Object.freeze([...profiles]),
    through: Object.freeze({ model: link, from: options.from, to: options.to }),
  });
}

/** True when `value` is a relation built by {@link relation}. */
export function isRelation(value: unknown): value is AnyRelation {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'relation';
}
