import type { AnyModel, Infer } from '../model/model.ts';
import type { CursorPage, OffsetPage, QuerySpec } from '../repository/query-spec.ts';
import type { AnyUseCase, InvokeArgs, ResultOf } from './use-case.ts';

/** `app.entity(Model)`: the auto-CRUD use cases of a model, callable in code. */
export interface EntityInvoker<M extends AnyModel> {
  get(id: unknown): Promise<Infer<M>>;
  list(query?: Partial<QuerySpec>): Promise<OffsetPage<Infer<M>> | CursorPage<Infer<M>>>;
  create(payload: Record<string, unknown>): Promise<Infer<M>>;
  update(id: unknown, payload: Record<string, unknown>): Promise<Infer<M>>;
  delete(id: unknown): Promise<boolean>;
}

/** `ctx.app`: invoke use cases with the result typed from the declaration. */
export interface Invoker {
  invoke<U extends AnyUseCase>(useCase: U, args: InvokeArgs<U>): Promise<ResultOf<U>>;
  entity<M extends AnyModel>(model: M): EntityInvoker<M>;
}
