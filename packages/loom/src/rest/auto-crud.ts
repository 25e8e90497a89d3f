import { DeclarationError } from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import { type AutoUseCases, autoUseCasesOf } from '../use-case/auto-crud.ts';
import type { Guard } from '../use-case/guard.ts';
import type { AutoOperation, RouteDecl } from './route.ts';

/** Options of {@link autoCrud}. */
export interface AutoCrudOptions {
  /** Which operations to expose, in any order. Default: all five. */
  readonly include?: readonly AutoOperation[];
  /**
   * On a versioned model (`version: true`): `'required'` makes PATCH and DELETE without `If-Match`
   * a 428 (lost updates become impossible for clients of these routes). Default `'optional'`.
   */
  readonly ifMatch?: 'optional' | 'required';
  /** Guards per operation (`{ delete: [guard.requireRoles('admin')] }`), as a route's `guards`. */
  readonly guards?: Partial<Readonly<Record<AutoOperation, readonly Guard[]>>>;
}

const ALL: readonly AutoOperation[] = ['create', 'get', 'list', 'update', 'delete'];

const SHAPE: Record<AutoOperation, { method: RouteDecl['method']; path: string; status: number }> = {
  create: { method: 'POST', path: '/', status: 201 },
  get: { method: 'GET', path: '/{id}', status: 200 },
  list: { method: 'GET', path: '/', status: 200 },
  update: { method: 'PATCH', path: '/{id}', status: 200 },
  delete: { method: 'DELETE', path: '/{id}', status: 200 },
};

/**
 * The auto-CRUD routes of a model: `POST /` (201), `GET /`, `GET /{id}`, `PATCH /{id}`, `DELETE /{id}`
 * (`200 true`; a missing row is a 404). They run the model's auto use cases (`autoUseCasesOf`) through
 * the kernel, so a custom repository registered for the model is used. Spread them into an interface's
 * routes next to custom ones; a custom route on the same method and path is a boot error.
 *
 * @example
 * ```ts
 * restInterface(Product, { prefix: '/products', routes: [...autoCrud(Product, { include: ['get', 'list'] })] });
 * ```
 */
/** The route {@link autoCrud} declares for one operation, typed for clients. */
export type AutoRouteOf<M extends AnyModel, Op extends AutoOperation> = Op extends 'create'
  ? RouteDecl<'POST', '/', AutoUseCases<M>['create']>
  : Op extends 'get'
    ? RouteDecl<'GET', '/{id}', AutoUseCases<M>['get']>
    : Op extends 'list'
      ? RouteDecl<'GET', '/', AutoUseCases<M>['list']>
      : Op extends 'update'
        ? RouteDecl<'PATCH', '/{id}', AutoUseCases<M>['update']>
        : RouteDecl<'DELETE', '/{id}', AutoUseCases<M>['delete']>;

export function autoCrud<M extends AnyModel, const Op extends AutoOperation = AutoOperation>(
  model: M,
  options: AutoCrudOptions & { readonly include?: readonly Op[] } = {},
): AutoRouteOf<M, Op>[] {
  const include = options.include ?? ALL;
  for (const op of include) {
    if (!ALL.includes(op)) {
      throw new DeclarationError(
        `autoCrud(${model.$name})`,
        `unknown operation "${String(op)}"; use ${ALL.join(', ')}`,
      );
    }
  }
  const useCases = autoUseCasesOf(model as AnyModel);
  // Always in the canonical order, whatever the order of `include`.
  return ALL.filter((op) => include.includes(op)).map((op) => {
    const shape = SHAPE[op];
    return Object.freeze({
      kind: 'route' as const,
      method: shape.method,
      path: shape.path,
      useCase: useCases[op],
      options: Object.freeze({
        status: shape.status,
        ...(options.ifMatch !== undefined && (op === 'update' || op === 'delete')
          ? { ifMatch: options.ifMatch }
          : {}),
        ...(options.guards?.[op] === undefined ? {} : { guards: options.guards[op] }),
      }),
      auto: op,
    });
  }) as unknown as AutoRouteOf<M, Op>[];
}
