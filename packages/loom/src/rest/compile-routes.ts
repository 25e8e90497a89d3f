import type { TSchema } from 'typebox';
import { DeclarationError } from '../errors/index.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { AnyModel } from '../model/model.ts';
import { CALL_ONLY_PARAMS } from '../use-case/auto-crud.ts';
import { type GuardSet, guardSet } from '../use-case/guard.ts';
import type { ParamBinding, Plan } from '../use-case/plan.ts';
import type { AnyUseCase } from '../use-case/use-case.ts';
import { conditionalRequest } from './conditional-request.ts';
import { RESERVED_QUERY_KEYS } from './query-grammar.ts';
import type { RestInterface } from './rest-interface.ts';
import { profilePolicyOf } from './rest-interface.ts';
import type { HttpMethod, PaginationMode, RouteDecl, RouteRateLimit } from './route.ts';
import { type RoutePath, resolveRoutePath } from './route-path.ts';
import { type ResolvedProfiles, resolveProfiles } from './route-profiles.ts';
import { isUnknownQueryPolicy, type UnknownQueryPolicy } from './unknown-query.ts';

/**
 * What the REST layer needs of the kernel; with `callNow`, calls that finish synchronously are answered
 * without promise hops.
 */
export type RestKernel = Pick<Kernel, 'plan' | 'nameOf' | 'call'> & Partial<Pick<Kernel, 'callNow'>>;

/** The pagination policy of a list route, resolved route → interface → defaults. */
export interface ListPolicy {
  readonly model: AnyModel;
  readonly mode: PaginationMode;
  readonly allowOverride: boolean;
}

/** What a route's success body is, as far as the declarations tell. */
export type ResponseShape =
  | { readonly kind: 'entity'; readonly model: AnyModel }
  /** A page envelope; `mode` fixes it (`'offset-page'`), else the route's pagination decides. */
  | { readonly kind: 'page'; readonly model: AnyModel; readonly mode?: PaginationMode }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'schema'; readonly schema: TSchema }
  /** Any JSON value; `declared`: the route said so (`response: 'json'`), else nothing was known. */
  | { readonly kind: 'json'; readonly declared: boolean };

/** One route, fully resolved at boot: nothing about it is looked up per request. */
export interface CompiledRoute {
  readonly method: HttpMethod;
  readonly path: RoutePath;
  readonly useCase: AnyUseCase;
  readonly plan: Plan;
  /** The use case's name, made unique: the OpenAPI `operationId`. */
  readonly operationId: string;
  readonly status: number;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  /** Declared params that are not in the path: read from the query string. */
  readonly queryParams: readonly ParamBinding[];
  readonly list: ListPolicy | null;
  readonly profiles: ResolvedProfiles;
  /** The use case declares a `profile` param: it receives the resolved profile. */
  readonly bindsProfile: boolean;
  readonly hasBody: boolean;
  readonly response: ResponseShape;
  /** ETag / If-Match handling of auto-CRUD routes; null elsewhere. */
  readonly conditional: ConditionalRequest | null;
  /** The route requires `If-Match` (documented as a required header, 428 when missing). */
  readonly ifMatchRequired: boolean;
  /** Unknown query parameters, route → interface; undefined: the server's setting applies. */
  readonly unknownQuery: UnknownQueryPolicy | undefined;
  /** The interface's and the route's guards (the use case's own are in `plan.guards`). */
  readonly guards: GuardSet;
  /** The route's own rate limit, `false` for none, undefined for the app-wide one. */
  readonly rateLimit: RouteRateLimit | false | undefined;
}

type ConditionalRequest = NonNullable<ReturnType<typeof conditionalRequest>>;

const ANONYMOUS = 'anonymous use case';

function fallbackName(method: HttpMethod, template: string): string {
  const words = template.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
  return method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

const RESPONSE_KEYWORDS = new Set(['entity', 'page', 'offset-page', 'cursor-page', 'json']);

function responseShape(r: RouteDecl, model: AnyModel | null, isList: boolean): ResponseShape | string {
  const declared = r.options.response;
  if (typeof declared === 'string') {
    if (!RESPONSE_KEYWORDS.has(declared))
      return `unknown response "${declared}"; use a schema or one of ${[...RESPONSE_KEYWORDS].join(', ')}`;
    if (declared === 'json') return { kind: 'json', declared: true };
    if (model === null) return `response: '${declared}' needs a model`;
    if (declared === 'page' && !isList)
      return "response: 'page' applies only to list routes (query: true); use 'offset-page' or 'cursor-page'";
    if (declared === 'entity') return { kind: 'entity', model };
    if (declared === 'page') return { kind: 'page', model };
    return { kind: 'page', model, mode: declared === 'cursor-page' ? 'cursor' : 'offset' };
  }
  if (declared !== undefined) {
    if (typeof declared !== 'object' || declared === null) return 'response must be a schema or a keyword';
    return { kind: 'schema', schema: declared };
  }
  if (model !== null && (r.auto === 'list' || (r.auto === undefined && isList)))
    return { kind: 'page', model };
  if (r.auto === undefined || model === null) return { kind: 'json', declared: false };
  if (r.auto === 'delete') return { kind: 'boolean' };
  return { kind: 'entity', model };
}

/**
 * Compiles interfaces into routes and validates every declaration: path syntax, path params declared
 * by the use case, 2xx statuses, pagination options only on list routes, no body on GET, no two
 * routes on the same method and path shape, and no two paths that differ only in param names (the
 * errors name both routes).
 *
 * @example
 * ```ts
 * const routes = compileRoutes(kernel, [UserApi, ProductApi]); // throws DeclarationError at boot
 * ```
 */
export function compileRoutes(kernel: RestKernel, interfaces: readonly RestInterface[]): CompiledRoute[] {
  const compiled: CompiledRoute[] = [];
  const seen = new Map<string, string>();
  const templates = new Map<string, { readonly template: string; readonly label: string }>();
  const operationIds = new Set<string>();
  for (const api of interfaces) {
    for (const r of api.routes) {
      const plan = kernel.plan(r.useCase);
      const label = `${r.method} ${api.prefix === '/' ? '' : api.prefix}${r.path} (${plan.name})`;
      const fail = (reason: string): never => {
        throw new DeclarationError(label, reason);
      };
      const path = resolveRoutePath(api.prefix, r.path);
      if (typeof path === 'string') return fail(path);

      const declared = new Map(plan.params.map((p) => [p.name, p]));
      for (const name of path.params) {
        if (!declared.has(name))
          fail(`path param {${name}} is not a declared param of use case ${plan.name}`);
      }
      const status = r.options.status ?? 200;
      if (!Number.isInteger(status) || status < 200 || status > 299)
        fail(`status ${status} is not a 2xx status`);
      if (r.method === 'GET' && plan.input)
        fail('a GET route cannot take a request body (the use case has an input)');
      const isList = plan.query;
      if (
        !isList &&
        (r.options.pagination !== undefined || r.options.allowPaginationOverride !== undefined)
      ) {
        fail('pagination options apply only to list routes (use cases declared with query: true)');
      }
      const mode = r.options.pagination ?? api.pagination ?? 'offset';
      if (mode !== 'offset' && mode !== 'cursor') fail(`unknown pagination mode "${String(mode)}"`);

      const queryParams = plan.params.filter(
        (p) =>
          !path.params.includes(p.name) &&
          p.name !== 'profile' &&
          !(r.auto !== undefined && CALL_ONLY_PARAMS.has(p.name)),
      );
      const ifMatch = r.options.ifMatch;
      if (ifMatch !== undefined) {
        if (r.auto !== 'update' && r.auto !== 'delete')
          fail('ifMatch applies to auto-CRUD update and delete routes');
        if (ifMatch !== 'optional' && ifMatch !== 'required')
          fail(`unknown ifMatch policy "${String(ifMatch)}"`);
        if (ifMatch === 'required' && !r.useCase.model?.$version)
          fail("ifMatch: 'required' needs a versioned model (model(…, { version: true }))");
      }
      if (isList) {
        for (const p of queryParams) {
          if (RESERVED_QUERY_KEYS.has(p.name))
            fail(`param "${p.name}" collides with the list query parameter of that name`);
        }
      }
      const unknownQuery = r.options.unknownQuery ?? api.unknownQuery;
      if (unknownQuery !== undefined && !isUnknownQueryPolicy(unknownQuery))
        fail('unknownQuery must be "reject" or "ignore"');
      const listModel = r.useCase.model ?? api.model;
      const routePolicy = profilePolicyOf(r.options.profiles);
      const profiles = resolveProfiles(
        routePolicy ?? api.profiles,
        routePolicy ? 'route' : 'interface',
        declared.has('profile'),
        listModel,
      );
      if (typeof profiles === 'string') return fail(profiles);

      // OpenAPI 3.1 forbids two path templates that differ only in param names (`/orders/{id}` and
      // `/orders/{orderId}`): clients could not tell which one a URL matches.
      const sibling = templates.get(path.shape);
      if (sibling !== undefined && sibling.template !== path.template)
        fail(
          `path ${path.template} is identical to ${sibling.label} but for its param names: use the same names on every route of that path`,
        );
      if (sibling === undefined) templates.set(path.shape, { template: path.template, label });
      const key = `${r.method} ${path.shape}`;
      const previous = seen.get(key);
      if (previous !== undefined)
        fail(`duplicate route: ${r.method} ${path.template} is also declared by ${previous}`);
      seen.set(key, `${r.method} ${path.template} (${plan.name})`);
      if (r.method === 'GET') seen.set(`HEAD ${path.shape}`, `GET ${path.template} (${plan.name})`);

      const base = plan.name === ANONYMOUS ? fallbackName(r.method, path.template) : plan.name;
      let operationId = base;
      for (let n = 2; operationIds.has(operationId); n++) operationId = `${base}_${n}`;
      operationIds.add(operationId);

      const response = responseShape(r, listModel, isList);
      if (typeof response === 'string') fail(response);
      let guards: GuardSet = guardSet([]);
      try {
        guards = guardSet([...(api.guards ?? []), ...(r.options.guards ?? [])]);
      } catch (error) {
        fail((error as Error).message);
      }
      const rateLimit = r.options.rateLimit;
      if (
        rateLimit !== undefined &&
        rateLimit !== false &&
        !(Number.isInteger(rateLimit.max) && rateLimit.max > 0 && rateLimit.windowMs > 0)
      )
        fail('rateLimit needs a positive integer max and a positive windowMs');
      compiled.push(
        Object.freeze({
          method: r.method,
          path,
          useCase: r.useCase,
          plan,
          operationId,
          status,
          summary: r.options.summary ?? r.useCase.decl.summary,
          description: r.options.description ?? r.useCase.decl.description,
          tags: Object.freeze([...new Set([...api.tags, ...(r.options.tags ?? [])])]),
          queryParams: Object.freeze(queryParams),
          list:
            isList && listModel
              ? Object.freeze({
                  model: listModel,
                  mode,
                  allowOverride: r.options.allowPaginationOverride ?? api.allowPaginationOverride ?? true,
                })
              : null,
          profiles,
          bindsProfile: declared.has('profile'),
          hasBody: plan.input !== undefined,
          response: response as ResponseShape,
          conditional: conditionalRequest(r.useCase.model ?? null, r.auto, r.options.ifMatch),
          ifMatchRequired: r.options.ifMatch === 'required',
          unknownQuery,
          guards,
          rateLimit,
        }),
      );
    }
  }
  return compiled;
}
