import type { ManyToManyName, RelationsOf, TargetOf } from '../model/infer.ts';
import type { AnyModel, CreateInput, FieldName, Infer, PrimaryKeyOf, QueryField } from '../model/model.ts';
import type { UpdateChanges } from './field-change.ts';
import type { LinkEditor } from './link-editor.ts';
import type { CursorPage, FilterNode, OffsetPage, QuerySpec } from './query-spec.ts';

/** Options of a read. */
export interface ReadOptions<P extends string = string> {
  /**
   * The read profile: which relations and projections to load (camelCase or snake_case). Default
   * `default`; an unknown profile is an `InvalidQuery` (400).
   */
  readonly profile?: P;
}

/** Options of a write (update, delete). */
export interface WriteOptions {
  /**
   * Optimistic concurrency, on a model declared with `version: true`: the write happens only if the
   * stored version is this one (or one of these), else it throws `PreconditionFailed` (412). A missing
   * row is still null / false.
   */
  readonly expectedVersion?: number | readonly number[];
}

/**
 * The expected versions of a write as a list, or undefined when there is no condition; a condition on
 * a model without a version column is a programming error.
 *
 * @example
 * ```ts
 * expectedVersions(Product, { expectedVersion: 3 }); // [3]
 * ```
 */
export function expectedVersions(
  model: AnyModel,
  options: WriteOptions | undefined,
): readonly number[] | undefined {
  const expected = options?.expectedVersion;
  if (expected === undefined) return undefined;
  if (!model.$version) {
    throw new TypeError(`${model.$name} has no version column: declare it with model(…, { version: true })`);
  }
  const list = typeof expected === 'number' ? [expected] : expected;
  if (list.length === 0 || !list.every((v) => Number.isSafeInteger(v))) {
    throw new TypeError(`expectedVersion of ${model.$name} must be an integer or a non-empty list of them`);
  }
  return list;
}

/** The primary key type of the target of `M`'s many-to-many relation `N`. */
export type LinkTargetKey<M extends AnyModel, N extends string> = PrimaryKeyOf<
  TargetOf<RelationsOf<M>[N & keyof RelationsOf<M>]>
>;

/** The list query a repository of `M` accepts: filters on columns and relations, sorts on columns. */
export type ModelQuery<M extends AnyModel> = QuerySpec<QueryField<M>, FieldName<M>>;

/**
 * What every repository of a model offers. The SQL repository implements it; a custom repository
 * (`repositoryFor`) extends the SQL one and is used by every use case of its model. Reads take a
 * profile; with a literal profile the result is typed for it (`Infer<M, 'withDetails'>`).
 *
 * @example
 * ```ts
 * const user = await repo.create({ fullName: 'Ada', email: 'ada@example.com' });
 * const same = await repo.getById(user.id);
 * const detailed = await records.getById(1, { profile: 'withDetails' }); // owner, notes, notesCount…
 * const page = await repo.list({ pagination: { mode: 'cursor', limit: 20 } });
 * await repo.update(user.id, { loginCount: increment(), tags: append(',vip', { once: true }) });
 * await repo.update(doc.id, { title: 'New' }, { expectedVersion: doc.version }); // 412 if it moved on
 * ```
 */
export interface Repository<M extends AnyModel> {
  readonly model: M;
  create(data: CreateInput<M>): Promise<Infer<M>>;
  getById<const P extends string = 'default'>(
    id: unknown,
    options?: ReadOptions<P>,
  ): Promise<Infer<M, P> | null>;
  getBy<F extends FieldName<M>, const P extends string = 'default'>(
    field: F,
    value: Infer<M>[F],
    options?: ReadOptions<P>,
  ): Promise<Infer<M, P> | null>;
  exists<F extends FieldName<M>>(field: F, value: Infer<M>[F]): Promise<boolean>;
  /**
   * Writes only the keys present in `patch`, in one `UPDATE … RETURNING`; null when the row is missing.
   * A value may be an atomic change computed from the current one (`increment`, `append`, …); on a
   * versioned model the version is incremented and `expectedVersion` checked in the same statement.
   */
  update(id: unknown, patch: UpdateChanges<M>, options?: WriteOptions): Promise<Infer<M> | null>;
  /** Deletes the row; false when it is missing. `expectedVersion` as for {@link Repository.update}. */
  delete(id: unknown, options?: WriteOptions): Promise<boolean>;
  count(filter?: FilterNode<QueryField<M>>): Promise<number>;
  /**
   * The link rows of a many-to-many relation (`repo.links('tags').set(id, [1, 2])`), written in the
   * current unit of work (the use case's transaction). See {@link LinkEditor}.
   */
  links<N extends ManyToManyName<M>>(name: N): LinkEditor<LinkTargetKey<M, N>>;
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
}
