import type { CompiledRoute } from '../compile-routes.ts';

/**
 * The routes whose success body loom cannot describe: custom use cases that are not lists and declare no
 * `response` (nor opt out with `response: 'json'`). Their OpenAPI operation says "any JSON value", which
 * generated clients turn into `unknown`; boot warns about them and `loom openapi --strict` fails.
 *
 * @example
 * ```ts
 * routesWithoutResponse(compileRoutes(kernel, [ProductApi])); // ['POST /products/{productId}/jobs/restock-email (DispatchRestockEmail)']
 * ```
 */
export function routesWithoutResponse(routes: readonly CompiledRoute[]): string[] {
  return routes
    .filter((r) => r.response.kind === 'json' && !r.response.declared)
    .map((r) => `${r.method} ${r.path.template} (${r.plan.name})`);
}
