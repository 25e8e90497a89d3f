import { type AnyColumn, Column, type ColumnDef, type ColumnRef, column } from './column.ts';
import type { ProfileNameOf, ProjectionsOfOptions, RelationsOfOptions, ValidOptions } from './infer.ts';
import { checkExtras } from './model-extras.ts';
import { entityNameOf, toSnakeCase } from './naming.ts';
import type { ProjectionMap } from './projection.ts';
import type { RelationMap } from './relation.ts';

export type { Infer, InferColumns, ProfileName, QueryField } from './infer.ts';

/** Options of a model declaration. */
export interface ModelOptions {
  /** Adds `createdAt` and `updatedAt`, set by the framework and never by clients. */
  readonly timestamps?: boolean;
  /**
   * Adds `version`, an integer set to 1 on create and incremented by every update: optimistic
   * concurrency. An update or delete given an expected version (`repo.update(id, patch, {
   * expectedVersion })`, HTTP `If-Match`) fails with `PreconditionFailed` (412) when the row moved on.
   * See docs/decisions/0008-concurrency.md.
   */
  readonly version?: boolean;
  /** Entity name used for OpenAPI components and errors. Default: the singular PascalCase of the table. */
  readonly name?: string;
  /** Related models, loaded in batches for the profiles that list them. */
  readonly relations?: RelationMap;
  /** Derived read-only fields (counts, existence, related columns, custom loaders), per profile. */
  readonly projections?: ProjectionMap;
  /**
   * Indexes over several fields (a single field uses `.index()` / `.unique()` on its column). A unique
   * one makes the pair a constraint: a second row with the same values is a 409 `Conflict`.
   *
   * @example
   * ```ts
   * indexes: [{ fields: ['productId', 'tagId'], unique: true }]
   * ```
   */
  readonly indexes?: readonly ModelIndex[];
}

/** An index over several fields of a model, in order; named `uq_<table>_<columns>` or `ix_<table>_<columns>`. */
export interface ModelIndex {
  readonly fields: readonly string[];
  readonly unique?: boolean;
}

/** One field of a model, resolved: TS name, SQL column and declaration. */
export interface FieldMeta {
  readonly name: string;
  readonly column: string;
  readonly def: ColumnDef;
}

type TimestampColumns = {
  createdAt: Column<{ type: Date; nullable: false; optionalOnCreate: true; generated: true }>;
  updatedAt: Column<{ type: Date; nullable: false; optionalOnCreate: true; generated: true }>;
};

type VersionColumns = {
  version: Column<{ type: number; kind: 'int'; nullable: false; optionalOnCreate: true; generated: true }>;
};

/** The full column map of a model: the declared columns plus timestamps and version when asked for. */
export type ModelColumns<C, O> = (O extends { timestamps: true } ? C & TimestampColumns : C) &
  (O extends { version: true } ? VersionColumns : unknown);

/** Metadata every model carries, under `$`-prefixed keys so they never collide with field names. */
export interface ModelMeta<
  C extends Record<string, AnyColumn> = Record<string, AnyColumn>,
  R extends RelationMap = {},
  PJ extends ProjectionMap = {},
> {
  readonly kind: 'model';
  /** Entity name (`User`). */
  readonly $name: string;
  /** SQL table (`users`). */
  readonly $table: string;
  /** Every column by TS field name, timestamps included. */
  readonly $columns: C;
  /** Fields in declaration order. */
  readonly $fields: readonly FieldMeta[];
  readonly $fieldsByName: ReadonlyMap<string, FieldMeta>;
  /** The primary key field. */
  readonly $primaryKey: FieldMeta;
  readonly $timestamps: boolean;
  /** The optimistic-concurrency version field (`version: true`), else undefined. */
  readonly $version: FieldMeta | undefined;
  /** Declared relations by name. */
  readonly $relations: R;
  /** Declared projections by name. */
  readonly $projections: PJ;
  /** Projection names in evaluation order (each after the projections it depends on). */
  readonly $projectionOrder: readonly string[];
  /** Every profile of the model, canonical (camelCase) spelling, `default` first. */
  readonly $profiles: readonly ProfileNameOf<R, PJ>[];
  /** Indexes over several fields, as declared (fields checked). */
  readonly $indexes: readonly ModelIndex[];
}

/**
 * A model: a table, its columns, and typed references to each column (`User.email`).
 * Build one with {@link model}.
 */
export type Model<
  C extends Record<string, AnyColumn> = Record<string, AnyColumn>,
  R extends RelationMap = {},
  PJ extends ProjectionMap = {},
> = ModelMeta<C, R, PJ> & {
  readonly [K in keyof C]: ColumnRef;
};

// biome-ignore lint/suspicious/noExplicitAny: the widest model type, used only as a constraint.
export type AnyModel = ModelMeta<any, any, any>;

type StateOf<Col> = Col extends Column<infer S> ? S : never;
/** The TS value of a column: its type, `| null` when nullable. */
export type ValueOf<Col> = StateOf<Col>['nullable'] extends true
  ? StateOf<Col>['type'] | null
  : StateOf<Col>['type'];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The column map of a model. */
export type ColumnsOf<M> = M extends { readonly $columns: infer C } ? C : never;

type WritableKeys<C> = { [K in keyof C]: StateOf<C[K]>['generated'] extends true ? never : K }[keyof C];
type RequiredOnCreate<C> = {
  [K in WritableKeys<C>]: StateOf<C[K]>['optionalOnCreate'] extends true ? never : K;
}[WritableKeys<C>];

/**
 * What a create accepts: every writable field, required unless it has a default or is nullable.
 * Auto-increment keys and timestamps are not part of it.
 */
export type CreateInput<M extends AnyModel> = Simplify<
  { [K in RequiredOnCreate<ColumnsOf<M>>]: ValueOf<ColumnsOf<M>[K]> } & {
    [K in Exclude<WritableKeys<ColumnsOf<M>>, RequiredOnCreate<ColumnsOf<M>>>]?: ValueOf<ColumnsOf<M>[K]>;
  }
>;

/** What an update accepts: any subset of the writable fields (a patch). */
export type UpdateInput<M extends AnyModel> = Simplify<{
  [K in WritableKeys<ColumnsOf<M>>]?: ValueOf<ColumnsOf<M>[K]>;
}>;

/** The names of a model's fields (columns). */
export type FieldName<M extends AnyModel> = keyof ColumnsOf<M> & string;

type PrimaryKeyValues<C> = {
  [K in keyof C]: StateOf<C[K]> extends { readonly primaryKey: true } ? ValueOf<C[K]> : never;
}[keyof C];
/** The TS type of the primary key (`number | string` when the model's type does not say). */
export type PrimaryKeyOf<M extends AnyModel> = [PrimaryKeyValues<ColumnsOf<M>>] extends [never]
  ? number | string
  : PrimaryKeyValues<ColumnsOf<M>>;

/**
 * Declares a model: its table, columns and options. The result is immutable and yields the TS type
 * (`Infer<typeof M>`, or `Infer<typeof M, 'withDetails'>` for a profile), the table definition for the
 * schema compiler and typed column references. Relations and projections are checked here (names,
 * keys, projection dependency cycles); relation targets are resolved when first read.
 *
 * @example
 * ```ts
 * export const BenchRecord = model('bench_records', {
 *   id: column.int().primaryKey().autoIncrement(),
 *   ownerId: column.int().references(() => BenchUser.id),
 *   title: column.string(120),
 * }, {
 *   timestamps: true,
 *   relations: {
 *     owner: relation.manyToOne(() => BenchUser, { by: 'ownerId', profiles: ['withDetails'] }),
 *     notes: relation.oneToMany(() => BenchNote, { by: 'recordId', profiles: ['withDetails'] }),
 *   },
 *   projections: {
 *     hasNotes: projection.exists('notes', { profiles: ['default', 'withDetails'] }),
 *     notesCount: projection.count('notes', { profiles: ['withDetails'] }),
 *   },
 * });
 * export type BenchRecord = Infer<typeof BenchRecord>;                  // columns + hasNotes
 * export type BenchRecordDetails = Infer<typeof BenchRecord, 'withDetails'>;
 * ```
 */
export function model<const C extends Record<string, AnyColumn>, const O extends ModelOptions = {}>(
  table: string,
  columns: C,
  options?: O & ValidOptions<ModelColumns<C, O>, O>,
): Model<ModelColumns<C, O>, RelationsOfOptions<O>, ProjectionsOfOptions<O>> {
  const name = options?.name ?? entityNameOf(table);
  const all: Record<string, AnyColumn> = { ...columns };
  for (const key of Object.keys(all)) {
    if (key.startsWith('$') || key === 'kind') {
      throw new Error(`model ${name}: field name "${key}" is reserved`);
    }
  }
  if (options?.timestamps) {
    const managed = (which: 'createdAt' | 'updatedAt') =>
      new Column({ ...column.datetime().def, default: { now: true }, managed: which });
    all.createdAt = managed('createdAt');
    all.updatedAt = managed('updatedAt');
  }
  if (options?.version) {
    if ('version' in all)
      throw new Error(`model ${name}: "version" is declared and also asked for by version: true`);
    all.version = new Column({ ...column.int().def, default: { value: 1 }, managed: 'version' });
  }
  const fields: FieldMeta[] = Object.entries(all).map(([fieldName, col]) =>
    Object.freeze({ name: fieldName, column: toSnakeCase(fieldName), def: col.def }),
  );
  const pks = fields.filter((f) => f.def.primaryKey);
  if (pks.length !== 1) {
    throw new Error(`model ${name}: exactly one primary key column is required, found ${pks.length}`);
  }
  const extras = checkExtras(name, fields, options?.relations ?? {}, options?.projections ?? {});
  const indexes = (options?.indexes ?? []).map((index, i) => {
    if (!Array.isArray(index.fields) || index.fields.length < 2)
      throw new Error(
        `model ${name}: indexes[${i}] needs two or more fields (one field: use .index() or .unique())`,
      );
    for (const f of index.fields)
      if (!fields.some((m) => m.name === f))
        throw new Error(`model ${name}: indexes[${i}] names unknown field "${f}"`);
    return Object.freeze({ fields: Object.freeze([...index.fields]), unique: index.unique === true });
  });
  const meta: Record<string, unknown> = {
    kind: 'model',
    $name: name,
    $table: table,
    $columns: Object.freeze(all),
    $fields: Object.freeze(fields),
    $fieldsByName: new Map(fields.map((f) => [f.name, f])),
    $primaryKey: pks[0],
    $timestamps: options?.timestamps === true,
    $version: options?.version ? fields.find((f) => f.def.managed === 'version') : undefined,
    $indexes: Object.freeze(indexes),
    ...extras,
  };
  for (const f of fields) {
    meta[f.name] = Object.freeze({ kind: 'column-ref', table, field: f.name, column: f.column });
  }
  return Object.freeze(meta) as Model<ModelColumns<C, O>, RelationsOfOptions<O>, ProjectionsOfOptions<O>>;
}

/** True when `value` is a model built by {@link model}. */
export function isModel(value: unknown): value is AnyModel {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'model';
}
