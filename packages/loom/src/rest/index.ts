/** The REST layer: declarations, the query grammar, problems, OpenAPI and the Fastify adapter. */

export { type AutoCrudOptions, autoCrud } from './auto-crud.ts';
export {
  type CompiledRoute,
  compileRoutes,
  type ListPolicy,
  type ResponseShape,
  type RestKernel,
} from './compile-routes.ts';
export {
  createRestServer,
  DEFAULT_MAX_JSON_DEPTH,
  type RestLimits,
  type RestServer,
  type RestServerOptions,
} from './create-rest-server.ts';
export { HttpClientError, toLoomError } from './http-errors.ts';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi/openapi-document.ts';
export { routesWithoutResponse } from './openapi/routes-without-response.ts';
export {
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDocument,
  problemOf,
  problemTypeOf,
} from './problem.ts';
export { DEFAULT_LIMIT, parseListQuery, type RawQuery, RESERVED_QUERY_KEYS } from './query-grammar.ts';
export {
  isRestInterface,
  type RestInterface,
  type RestInterfaceOptions,
  restInterface,
} from './rest-interface.ts';
export {
  type AutoOperation,
  type DeclaresParams,
  type HttpMethod,
  isRouteDecl,
  type PaginationMode,
  type PathParamsOf,
  type ProfilePolicy,
  type ProfilesOption,
  type RouteDecl,
  type RouteOptions,
  type RouteRateLimit,
  route,
} from './route.ts';
export { newTraceId, TRACE_HEADER, traceIdOf } from './trace-id.ts';
export { DEFAULT_UNKNOWN_QUERY, type UnknownQueryPolicy } from './unknown-query.ts';
