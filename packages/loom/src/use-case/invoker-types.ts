import type { CreatePayload, UpdatePayload } from '../command/model-commands.ts';
import type { AnyModel, Infer, PrimaryKeyOf } from '../model/model.ts';
import type { UpdateChanges } from '../repository/field-change.ts';
import type { CursorPage, OffsetPage } from '../repository/query-spec.ts';
import type { ModelQuery, WriteOptions } from '../repository/repository.ts';
import type { InvokeArgs, RawInvokeArgs } from './call-args.ts';
import type { AnyUseCase, ResultOf } from './use-case.ts';

/** The list query `app.entity(M).list` takes; pagination defaults to the first offset page of 50. */
export type EntityListQuery<M extends AnyModel> = Partial<ModelQuery<M>>;

/**
 * What `app.entity(M).update` takes: per writable field, a plain value (validated like a PATCH body)
 * or an atomic change (`increment`, `append`, …) where the column's kind allows one.
 */
export type EntityUpdate<M extends AnyModel> = {
  [K in keyof UpdatePayload<M>]?:
    | UpdatePayload<M>[K]
    | (K extends keyof UpdateChanges<M> ? Exclude<UpdateChanges<M>[K], undefined> : never);
};

/**
 * `app.entity(Model)`: the auto-CRUD use cases of a model, callable in code, typed from the model.
 * `update` and `delete` take an expected version on a versioned model (412 `PreconditionFailed` when
 * it moved on).
 *
 * @example
 * ```ts
 * const products = app.entity(Product);
 * await products.update(id, { stock: increment(), name: 'Pen' });
 * const p = await products.get(id);
 * await products.update(id, { priceCents: p.priceCents * 2 }, { expectedVersion: p.version });
 * ```
 */
export interface EntityInvoker<M extends AnyModel> {
  get(id: PrimaryKeyOf<M>): Promise<Infer<M>>;
  list(
    query?: EntityListQuery<M> & { readonly pagination?: { readonly mode: 'offset' } },
  ): Promise<OffsetPage<Infer<M>>>;
  list(
    query: EntityListQuery<M> & { readonly pagination: { readonly mode: 'cursor' } },
  ): Promise<CursorPage<Infer<M>>>;
  create(payload: CreatePayload<M>): Promise<Infer<M>>;
  update(id: PrimaryKeyOf<M>, payload: EntityUpdate<M>, options?: WriteOptions): Promise<Infer<M>>;
  delete(id: PrimaryKeyOf<M>, options?: WriteOptions): Promise<boolean>;
}

/** `ctx.app`: invoke use cases with the arguments and the result typed from the declaration. */
export interface Invoker {
  /**
   * Runs a use case; `args` are checked by tsc against its declaration (see {@link InvokeArgs}).
   *
   * @example
   * ```ts
   * const user = await app.invoke(UpdateUserUseCase, { params: { userId: 7 }, payload: { email: 'a@b.co' } });
   * ```
   */
  invoke<U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>): Promise<ResultOf<U>>;
  /**
   * Runs a use case with arguments only validated at run time (JSON forwarded from elsewhere): string
   * params are converted by their declared type, snake_case payload keys accepted, mistakes are 400/422.
   *
   * @example
   * ```ts
   * const user = await app.invokeRaw(UpdateUserUseCase, { params: { userId: '7' }, payload: body });
   * ```
   */
  invokeRaw<U extends AnyUseCase>(useCase: U, args: RawInvokeArgs): Promise<ResultOf<U>>;
  entity<M extends AnyModel>(model: M): EntityInvoker<M>;
}
