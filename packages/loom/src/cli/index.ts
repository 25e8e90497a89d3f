/** The `loom` command line, callable in-process (tests, scripts). */
export { type CliContext, EXIT, UsageError } from './cli-context.ts';
export { runCli } from './main.ts';
export { formatRouteTable, type RouteRow, routeRows } from './routes-command.ts';
