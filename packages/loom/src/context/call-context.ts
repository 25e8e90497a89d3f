import { AsyncLocalStorage } from 'node:async_hooks';
import type { Identity } from './identity.ts';

/** Per-call context: the trace id of the request or job a use case runs for, and who it runs for. */
export interface CallContext {
  readonly traceId: string;
  /** The authenticated caller, when the request (or the dispatching call of a job) had one. */
  readonly identity?: Identity;
}

/**
 * Where a use case's context object keeps the context of its call. The executor sets it; the services'
 * getters (`traceId`, `jobs`, `app`) read it, so dispatched jobs and nested invokes carry the trace id
 * without an AsyncLocalStorage.
 */
export const CALL_CONTEXT: unique symbol = Symbol('loom.callContext');

/**
 * Where a use case's context object keeps who is calling: its name and declared `dispatches`, which
 * `ctx.jobs` checks each dispatch against (decision 0060).
 */
export const CALL_CALLER: unique symbol = Symbol('loom.callCaller');

/** The use case (or job) a `ctx` belongs to, as the job service sees it when it dispatches. */
export interface DispatchCaller {
  readonly name: string;
  /** Its declared `dispatches`, or undefined when it declares none. */
  readonly dispatches: readonly object[] | undefined;
}

/** An object that may carry the context of its call (a use case's `ctx`). */
export interface CarriesCallContext {
  readonly [CALL_CONTEXT]?: CallContext;
  readonly [CALL_CALLER]?: DispatchCaller;
}

const storage = new AsyncLocalStorage<CallContext>();

/**
 * Runs `fn` with an ambient call context, which {@link currentCallContext} returns anywhere in the async
 * work `fn` starts. Job attempts run in one; HTTP requests only when the server's `ambientContext` is on
 * (createApp turns it on with statement logging or tracing, which read it): on Node 20 an active
 * AsyncLocalStorage makes every promise of the process slower, and the kernel passes the context
 * explicitly anyway (`kernel.call(uc, { context })`, `ctx.traceId`).
 *
 * @example
 * ```ts
 * await withCallContext({ traceId: 'job-42' }, () => kernel.invoke(SendMail, { params: { id: 42 } }));
 * ```
 */
export function withCallContext<T>(ctx: CallContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * The ambient call context, if any (see {@link withCallContext}). Inside a use case, read `ctx.traceId`,
 * which also works where no ambient context is set.
 *
 * @example
 * ```ts
 * logger.info({ traceId: currentCallContext()?.traceId }, 'sending mail');
 * ```
 */
export function currentCallContext(): CallContext | undefined {
  return storage.getStore();
}

/** The context of a call: the one it was given, else the ambient one. */
export function givenOrAmbient(context: CallContext | undefined): CallContext | undefined {
  return context ?? storage.getStore();
}

/**
 * A use case's (or callback's) `ctx`: the services as its prototype (their lazy getters stay lazy),
 * `fields` as own properties, and the call's context where those getters look for it.
 *
 * @example
 * ```ts
 * const ctx = callContextObject(kernel.services, { input, params }, { traceId: 'req-1' });
 * ctx.traceId; // 'req-1'
 * ```
 */
export function callContextObject(
  services: object,
  fields: Record<string, unknown>,
  context: CallContext | undefined,
  caller?: DispatchCaller,
): Record<string | symbol, unknown> {
  const ctx = Object.assign(Object.create(services) as Record<string | symbol, unknown>, fields);
  if (context !== undefined) ctx[CALL_CONTEXT] = context;
  if (caller !== undefined) ctx[CALL_CALLER] = caller;
  return ctx;
}

/**
 * A use case's `ctx` as {@link callContextObject} builds it from `{ input, params, load, repo, query,
 * identity }`, with the six fields written one by one: the executor makes one per call, and
 * `Object.assign` from a fields object cost three times as much.
 *
 * @example
 * ```ts
 * const ctx = useCaseCallContext(kernel.services, input, params, {}, repo, undefined, undefined, { traceId: 'req-1' }, caller);
 * ```
 */
export function useCaseCallContext(
  services: object,
  input: unknown,
  params: unknown,
  load: unknown,
  repo: unknown,
  query: unknown,
  identity: unknown,
  context: CallContext | undefined,
  caller: DispatchCaller | undefined,
): Record<string | symbol, unknown> {
  const ctx = Object.create(services) as Record<string | symbol, unknown>;
  ctx.input = input;
  ctx.params = params;
  ctx.load = load;
  ctx.repo = repo;
  ctx.query = query;
  ctx.identity = identity;
  if (context !== undefined) ctx[CALL_CONTEXT] = context;
  if (caller !== undefined) ctx[CALL_CALLER] = caller;
  return ctx;
}
