import type { Kysely } from 'kysely';
import type { TSchema } from 'typebox';
import type { AnyModel } from './model.ts';

/** How a projection's value is computed. */
export type ProjectionLoader = 'count' | 'exists' | 'fields' | 'custom';

interface ProjectionBase<P extends string> {
  readonly kind: 'projection';
  readonly loader: ProjectionLoader;
  /** The profiles that load it, as declared (camelCase or snake_case). */
  readonly profiles: readonly P[];
  /** Projections of the same model computed before this one (a custom loader sees their values). */
  readonly dependsOn: readonly string[];
}

/** The number of related rows. */
export interface CountProjection<V extends string = string, P extends string = string>
  extends ProjectionBase<P> {
  readonly loader: 'count';
  readonly via: V;
}

/** Whether at least one related row exists. */
export interface ExistsProjection<V extends string = string, P extends string = string>
  extends ProjectionBase<P> {
  readonly loader: 'exists';
  readonly via: V;
}

/** Some columns of the related rows (camelCase keys): a list for to-many, an object or null for to-one. */
export interface FieldsProjection<
  V extends string = string,
  C extends string = string,
  P extends string = string,
> extends ProjectionBase<P> {
  readonly loader: 'fields';
  readonly via: V;
  readonly columns: readonly C[];
}

/** A parent row's primary key value. */
export type ParentId = string | number;

/**
 * The part of the database a custom loader sees (the db layer's `Database` has this shape; declared
 * here because models sit below the db layer).
 */
export interface ProjectionDatabase {
  /** `postgres` or `sqlite`. */
  readonly dialect: 'postgres' | 'sqlite';
  /** The query builder: the current transaction when there is one, else the pool. */
  // biome-ignore lint/suspicious/noExplicitAny: rows of user tables are not typed at this level
  executor(): Kysely<any>;
}

/** What a custom loader receives besides the batch of parent ids. */
export interface ProjectionContext {
  /** The database: `db.executor()` joins the current transaction. */
  readonly db: ProjectionDatabase;
  /** The batch's parent entities, with the profile's relations and earlier projections already set. */
  readonly parents: readonly Readonly<Record<string, unknown>>[];
  /** The canonical profile being loaded. */
  readonly profile: string;
}

/** A batched loader: one call per page, a value per parent id (missing ids get the default). */
export type BatchLoader<T> = (
  parentIds: readonly ParentId[],
  context: ProjectionContext,
) => ReadonlyMap<unknown, T> | Promise<ReadonlyMap<unknown, T>>;

/** A projection computed by user code from a batch of parent ids. */
export interface CustomProjection<T = unknown, P extends string = string> extends ProjectionBase<P> {
  readonly loader: 'custom';
  readonly load: BatchLoader<unknown>;
  /** The value of parents the loader gives nothing for; null when none is declared. */
  readonly fallback: { readonly value: unknown } | null;
  /** The models the loader reads: their writes invalidate cached reads. Undeclared → never cached. */
  readonly reads: (() => readonly AnyModel[]) | null;
  /** The JSON Schema of the value (for serialization and OpenAPI); unknown when not given. */
  readonly schema: TSchema | null;
  /** Phantom: the value type. */
  readonly $value?: T;
}

// biome-ignore lint/suspicious/noExplicitAny: the widest projection types, used only as constraints.
export type AnyProjection = CountProjection | ExistsProjection | FieldsProjection | CustomProjection<any>;

/** The projections of a model, by name. */
export type ProjectionMap = Readonly<Record<string, AnyProjection>>;

/** Options every projection takes. */
export interface ProjectionOptions<P extends string> {
  /** Default: `['default']`. */
  readonly profiles?: readonly P[];
  readonly dependsOn?: readonly string[];
}

/** Options of {@link projection.custom}. */
export interface CustomProjectionOptions<T, P extends string> extends ProjectionOptions<P> {
  readonly load: BatchLoader<T>;
  readonly default?: T;
  readonly reads?: () => readonly AnyModel[];
  readonly schema?: TSchema;
}

function base<P extends string>(loader: ProjectionLoader, options: ProjectionOptions<P> | undefined) {
  const profiles = options?.profiles ?? (['default'] as readonly string[] as readonly P[]);
  return {
    kind: 'projection' as const,
    loader,
    profiles: Object.freeze([...profiles]),
    dependsOn: Object.freeze([...(options?.dependsOn ?? [])]),
  };
}

function custom<T, const P extends string = 'default'>(
  options: CustomProjectionOptions<T, P> & { readonly default: T },
): CustomProjection<T, P>;
function custom<T, const P extends string = 'default'>(
  options: CustomProjectionOptions<T, P>,
): CustomProjection<T | null, P>;
function custom<T, const P extends string>(
  options: CustomProjectionOptions<T, P>,
): CustomProjection<T | null, P> {
  if (typeof options?.load !== 'function') throw new Error('projection.custom: "load" must be a function');
  return Object.freeze({
    ...base('custom', options),
    loader: 'custom' as const,
    load: options.load as BatchLoader<unknown>,
    fallback: 'default' in options ? Object.freeze({ value: options.default }) : null,
    reads: options.reads ?? null,
    schema: options.schema ?? null,
  });
}

/**
 * Projection builders: derived, read-only fields loaded for the profiles that list them, in batches
 * (one statement per relation for the whole page). When the relation itself is loaded in the same
 * profile, the value is computed from it in memory, without a statement.
 *
 * @example
 * ```ts
 * projections: {
 *   hasNotes: projection.exists('notes', { profiles: ['default', 'withDetails'] }),
 *   notesCount: projection.count('notes', { profiles: ['withDetails'] }),
 *   noteSnippets: projection.fields('notes', ['id', 'body'], { profiles: ['withDetails'] }),
 *   score: projection.custom({
 *     load: async (ids) => new Map(ids.map((id) => [id, 42])),
 *     default: 0,
 *     reads: () => [BenchNote],
 *   }),
 * }
 * ```
 */
export const projection = {
  /** The number of rows related through the relation `via`. */
  count: <const V extends string, const P extends string = 'default'>(
    via: V,
    options?: ProjectionOptions<P>,
  ): CountProjection<V, P> => Object.freeze({ ...base('count', options), loader: 'count' as const, via }),
  /** Whether any row is related through `via`. */
  exists: <const V extends string, const P extends string = 'default'>(
    via: V,
    options?: ProjectionOptions<P>,
  ): ExistsProjection<V, P> => Object.freeze({ ...base('exists', options), loader: 'exists' as const, via }),
  /** Some columns (TS field names) of the rows related through `via`. */
  fields: <const V extends string, const C extends string, const P extends string = 'default'>(
    via: V,
    columns: readonly C[],
    options?: ProjectionOptions<P>,
  ): FieldsProjection<V, C, P> => {
    if (!Array.isArray(columns) || columns.length === 0)
      throw new Error(`projection.fields('${via}'): name at least one column`);
    return Object.freeze({
      ...base('fields', options),
      loader: 'fields' as const,
      via,
      columns: Object.freeze([...columns]),
    });
  },
  /** A value per parent id computed by `load` from the whole batch. */
  custom,
};

/** True when `value` is a projection built by {@link projection}. */
export function isProjection(value: unknown): value is AnyProjection {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'projection';
}
