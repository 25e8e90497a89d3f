import { inspectApp } from '../app/inspect-app.ts';
import type { CompiledRoute } from '../rest/compile-routes.ts';
import { type CliContext, configPathsOf, EXIT, parseCommand } from './cli-context.ts';
import { ROUTES_HELP } from './help.ts';

const METHOD_ORDER = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** One row of `loom routes`. */
export interface RouteRow {
  readonly method: string;
  readonly path: string;
  readonly useCase: string;
  readonly status: number;
}

/**
 * The rows of the route table, sorted by path, then method (GET, POST, PUT, PATCH, DELETE), then use
 * case: the same order whatever the discovery mode or declaration order.
 *
 * @example
 * ```ts
 * routeRows(routes)[0]; // { method: 'GET', path: '/addresses', useCase: 'ListAddresses', status: 200 }
 * ```
 */
export function routeRows(routes: readonly CompiledRoute[]): RouteRow[] {
  const rows = routes.map((r) => ({
    method: r.method,
    path: r.path.template || '/',
    useCase: r.plan.name,
    status: r.status,
  }));
  const rank = (m: string) => {
    const i = METHOD_ORDER.indexOf(m);
    return i === -1 ? METHOD_ORDER.length : i;
  };
  return rows.sort(
    (a, b) =>
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
      rank(a.method) - rank(b.method) ||
      (a.useCase < b.useCase ? -1 : a.useCase > b.useCase ? 1 : 0),
  );
}

/**
 * The route table as text: a header and one aligned line per route.
 *
 * @example
 * ```ts
 * formatRouteTable(routeRows(routes));
 * // METHOD  PATH        USE CASE     STATUS
 * // GET     /products   listProduct  200
 * ```
 */
export function formatRouteTable(rows: readonly RouteRow[]): string {
  const header = ['METHOD', 'PATH', 'USE CASE', 'STATUS'];
  const cells = [header, ...rows.map((r) => [r.method, r.path, r.useCase, String(r.status)])];
  const widths = header.map((_, i) => Math.max(...cells.map((c) => c[i]!.length)));
  return `${cells.map((c) => c.map((cell, i) => (i === c.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}

/** `loom routes <config.yaml>...` */
export async function routesCommand(args: readonly string[], ctx: CliContext): Promise<number> {
  const { values, positionals } = parseCommand(args, {});
  if (values.help) {
    ctx.stdout(ROUTES_HELP);
    return EXIT.ok;
  }
  const { routes } = await inspectApp(configPathsOf(positionals, 'routes'));
  ctx.stdout(formatRouteTable(routeRows(routes)));
  return EXIT.ok;
}
