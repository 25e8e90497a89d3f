import type { AnyModel, Infer } from '../model/model.ts';
import type { CursorPage, OffsetPage, QuerySpec } from '../repository/query-spec.ts';
import type { WriteOptions } from '../repository/repository.ts';
import type { AnyUseCase, InvokeArgs, ResultOf } from './use-case.ts';

/**
 * `app.entity(Model)`: the auto-CRUD use cases of a model, callable in code. `update` takes plain values
 * (validated like a PATCH body) and atomic changes (`increment`, `append`, …) side by side; `update` and
 * `delete` take an expected version on a versioned model (412 `PreconditionFailed` when it moved on).
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
  get(id: unknown): Promise<Infer<M>>;
  list(query?: Partial<QuerySpec>): Promise<OffsetPage<Infer<M>> | CursorPage<Infer<M>>>;
  create(payload: Record<string, unknown>): Promise<Infer<M>>;
  update(id: unknown, payload: Record<string, unknown>, options?: WriteOptions): Promise<Infer<M>>;
  delete(id: unknown, options?: WriteOptions): Promise<boolean>;
}

/** `ctx.app`: invoke use cases with the result typed from the declaration. */
export interface Invoker {
  invoke<U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>): Promise<ResultOf<U>>;
  entity<M extends AnyModel>(model: M): EntityInvoker<M>;
}
