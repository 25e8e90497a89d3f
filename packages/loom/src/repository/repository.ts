import type { AnyModel, CreateInput, FieldName, Infer, UpdateInput } from '../model/model.ts';
import type { CursorPage, FilterNode, OffsetPage, QuerySpec } from './query-spec.ts';

/** Options of a read. */
export interface ReadOptions {
  /** The read profile: which relations and projections to load. Default `default`. */
  readonly profile?: string;
}

/**
 * What every repository of a model offers. The SQL repository implements it; a custom repository
 * (`repositoryFor`) extends the SQL one and is used by every use case of its model.
 *
 * @example
 * ```ts
 * const user = await repo.create({ fullName: 'Ada', email: 'ada@example.com' });
 * const same = await repo.getById(user.id);
 * const page = await repo.list({ pagination: { mode: 'cursor', limit: 20 } });
 * ```
 */
export interface Repository<M extends AnyModel> {
  readonly model: M;
  create(data: CreateInput<M>): Promise<Infer<M>>;
  getById(id: unknown, options?: ReadOptions): Promise<Infer<M> | null>;
  getBy<F extends FieldName<M>>(field: F, value: Infer<M>[F], options?: ReadOptions): Promise<Infer<M> | null>;
  exists<F extends FieldName<M>>(field: F, value: Infer<M>[F]): Promise<boolean>;
  /** Writes only the keys present in `patch`, in one `UPDATE … RETURNING`; null when the row is missing. */
  update(id: unknown, patch: UpdateInput<M>): Promise<Infer<M> | null>;
  delete(id: unknown): Promise<boolean>;
  count(filter?: FilterNode<FieldName<M>>): Promise<number>;
  list(query: QuerySpec<FieldName<M>> & { pagination: { mode: 'offset' } }, options?: ReadOptions): Promise<OffsetPage<Infer<M>>>;
  list(query: QuerySpec<FieldName<M>> & { pagination: { mode: 'cursor' } }, options?: ReadOptions): Promise<CursorPage<Infer<M>>>;
  list(query: QuerySpec<FieldName<M>>, options?: ReadOptions): Promise<OffsetPage<Infer<M>> | CursorPage<Infer<M>>>;
}
