/**
 * `loom-kernel/client`: a fetch client typed from an app's interfaces (no code generation). Imports
 * only types from the rest of the framework, so a browser bundle gets this folder alone.
 */
export type {
  CallArgs,
  Client,
  ClientRoute,
  ListQuery,
  PathsOf,
  RoutesOf,
  UseCaseAt,
} from './client-types.ts';
export { type ClientOptions, createClient } from './create-client.ts';
export { isProblem, ProblemError } from './problem-error.ts';
