import type { AnyModel, CreateInput, FieldName, Infer, QueryField, UpdateInput } from '../model/model.ts';
import type { CursorPage, FilterNode, OffsetPage, QuerySpec } from './query-spec.ts';

/** Options of a read. */
export interface ReadOptions<P extends string = string> {
  /**
   * The read profile: which relations and projections to load (camelCase or snake_case). Default
   * `default`; an unknown profile is an `InvalidQuery` (400).
   */
  readonly profile?: P;
}

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
  /** Writes only the keys present in `patch`, in one `UPDATE … RETURNING`; null when the row is missing. */
  update(id: unknown, patch: UpdateInput<M>): Promise<Infer<M> | null>;
  delete(id: unknown): Promise<boolean>;
  count(filter?: FilterNode<QueryField<M>>): Promise<number>;
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
