import type { Parsed } from '../command/command.ts';
import { type CallContext, callContextObject } from '../context/call-context.ts';
import type { Identity } from '../context/identity.ts';
import { disposeCallServices } from '../context/service-runtime.ts';
import {
  Forbidden,
  NotFound,
  RuleViolations,
  Unauthorized,
  ValidationError,
  type Violation,
} from '../errors/index.ts';
import type { AnyModel } from '../model/model.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { Repository } from '../repository/repository.ts';
import { bindParams } from './bind-params.ts';
import { type Guard, type GuardSet, mergeGuards } from './guard.ts';
import type { LoadStep, Plan } from './plan.ts';
import type { RuleContext } from './rule.ts';
import type { UseCaseServices } from './services.ts';

/** What a caller hands the executor. */
export interface CallArgs {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly payload?: unknown;
  readonly query?: QuerySpec;
  /** Run without a transaction even if the use case is not declared read-only (HTTP GET routes). */
  readonly readOnly?: boolean;
  /**
   * The call's context (trace id of the request or job). The use case reads it as `ctx.traceId`; jobs it
   * dispatches and use cases it invokes through `ctx.jobs` / `ctx.app` inherit it. Without one, the
   * ambient context (`withCallContext`) is used.
   */
  readonly context?: CallContext;
  /**
   * Values for named loads, which then do not run (the testing kit's `runUseCase` replaces loads with
   * them to test rules and `execute` without a database).
   */
  readonly loaded?: Readonly<Record<string, unknown>>;
  /**
   * Enforce guards: the use case's own plus these (a route's and its interface's). Set by the REST
   * layer for requests when authentication is configured; calls from code leave it out and are trusted.
   */
  readonly guards?: GuardSet;
}

/** What the executor needs from the application around it. */
export interface ExecutionHost {
  readonly services: UseCaseServices;
  /** Some service is call-scoped: dispose each call's scope when the call settles. */
  readonly callScopedServices?: boolean;
  repository(model: AnyModel): Repository<AnyModel>;
  /** Observes each call's outcome (logs, metrics, spans). */
  observe?(
    plan: Plan,
    outcome: 'success' | 'rule_failure' | 'failure',
    ms: number,
    error: unknown,
    context: CallContext | undefined,
  ): void;
}

const DEFAULT_QUERY: QuerySpec = { pagination: { mode: 'offset', page: 1, limit: 50 } };

/**
 * Runs a compiled plan: bind params → parse input → loads and exists (404 beats 422) → computes →
 * rules (all run; violations aggregated into one 422) → execute. Non-read-only plans run in one
 * transaction (joined when one is already open).
 *
 * @example
 * ```ts
 * const user = await executePlan(host, plan, { params: { userId: 1 }, payload: { email: 'x@y.z' } });
 * ```
 */
export function executePlan(host: ExecutionHost, plan: Plan, args: CallArgs): Promise<unknown> {
  const started = performance.now();
  let pending: Promise<unknown>;
  try {
    const db = host.services.db;
    pending =
      plan.readOnly || args.readOnly === true || plan.singleStatement || db.inTransaction()
        ? run(host, plan, args)
        : db.unitOfWork(() => run(host, plan, args));
  } catch (error) {
    pending = Promise.reject(error);
  }
  // One chained promise rather than nested async functions: every promise costs more while async
  // hooks are on (an AsyncLocalStorage is active: transactions, ambient call contexts).
  return pending.then(
    (result) => {
      host.observe?.(plan, 'success', performance.now() - started, undefined, args.context);
      return result;
    },
    (error: unknown) => {
      host.observe?.(
        plan,
        error instanceof RuleViolations ? 'rule_failure' : 'failure',
        performance.now() - started,
        error,
        args.context,
      );
      throw error;
    },
  );
}

/** The call up to `execute`; synchronous when the plan has no loads. Throws or returns its result. */
function run(host: ExecutionHost, plan: Plan, args: CallArgs): Promise<unknown> {
  const guards = args.guards === undefined ? undefined : mergeGuards(args.guards, plan.guards);
  const identity = args.context?.identity;
  // Guards on the caller alone run before anything about the request is looked at.
  if (guards !== undefined && guards.identity.length > 0)
    enforce(guards.identity, { identity, params: args.params ?? {}, input: undefined, load: {} });
  const params = bindParams(plan, args.params);
  let input: Parsed<Record<string, unknown>> | undefined;
  if (plan.input) {
    if (args.payload === undefined || args.payload === null) {
      throw new ValidationError([{ path: '', message: `a ${plan.input.$name} payload is required` }]);
    }
    input = plan.input.parse(args.payload) as Parsed<Record<string, unknown>>;
  }
  // Before any load: a forbidden caller never learns whether the ids it named exist.
  if (guards !== undefined && guards.call.length > 0)
    enforce(guards.call, { identity, params, input, load: {} });
  const afterLoads = guards !== undefined && guards.loaded.length > 0 ? guards.loaded : undefined;
  if (plan.loads.length > 0) return withLoads(host, plan, args, params, input, afterLoads);
  if (afterLoads !== undefined) enforce(afterLoads, { identity, params, input, load: {} });
  return Promise.resolve(finish(host, plan, args, params, input, {}));
}

/** Throws the first failing guard's error: 401 without an identity, 403 with one. */
function enforce(guards: readonly Guard[], ctx: Parameters<Guard['check']>[0], partial = false): void {
  for (const g of guards) {
    if (partial ? passesWithout(g, ctx) : g.check(ctx)) continue;
    if (ctx.identity === undefined) throw new Unauthorized('this operation needs an authenticated caller');
    throw new Forbidden(g.message);
  }
}

/** A guard's verdict when a loaded entity is missing: a predicate that trips over its absence fails. */
function passesWithout(g: Guard, ctx: Parameters<Guard['check']>[0]): boolean {
  try {
    return g.check(ctx);
  } catch {
    return false;
  }
}

async function withLoads(
  host: ExecutionHost,
  plan: Plan,
  args: CallArgs,
  params: Record<string, unknown>,
  input: Parsed<Record<string, unknown>> | undefined,
  afterLoads: readonly Guard[] | undefined,
): Promise<unknown> {
  const load: Record<string, unknown> = {};
  const given = args.loaded;
  const identity = args.context?.identity;
  for (const step of plan.loads) {
    try {
      load[step.name] =
        given !== undefined && Object.hasOwn(given, step.name)
          ? given[step.name]
          : await runLoad(host, step, params, input, identity);
    } catch (error) {
      // With an ownership guard, "missing" must look like "someone else's": the guards run without the
      // entity (a predicate that reads it fails), so only a caller they let through anyway (an admin)
      // learns that it is missing.
      if (afterLoads !== undefined && error instanceof NotFound)
        enforce(afterLoads, { identity, params, input, load }, true);
      throw error;
    }
  }
  if (afterLoads !== undefined) enforce(afterLoads, { identity, params, input, load });
  return finish(host, plan, args, params, input, load);
}

/** Computes, rules, then `execute`, whose result (or promise) is returned as it is. */
function finish(
  host: ExecutionHost,
  plan: Plan,
  args: CallArgs,
  params: Record<string, unknown>,
  parsed: Parsed<Record<string, unknown>> | undefined,
  load: Record<string, unknown>,
): unknown {
  let input = parsed;
  const identity = args.context?.identity;
  let ctx: RuleContext<unknown, unknown, unknown> =
    identity === undefined ? { input, params, load } : { input, params, load, identity };
  if (input && plan.computes.length > 0) {
    input = applyComputes(plan, input, ctx);
    ctx = identity === undefined ? { input, params, load } : { input, params, load, identity };
  }
  if (plan.rules.length > 0) {
    const violations: Violation[] = [];
    for (const rule of plan.rules) {
      const v = rule.evaluate(ctx);
      if (v) violations.push(v);
    }
    if (violations.length > 0) throw new RuleViolations(violations);
  }
  const repo = plan.model ? host.repository(plan.model) : undefined;
  const query = plan.query ? (args.query ?? DEFAULT_QUERY) : undefined;
  // The declaration's types were checked at compile time; at run time the context is assembled untyped.
  const execute = plan.useCase.decl.execute as unknown as (ctx: Record<string | symbol, unknown>) => unknown;
  const fields = { input, params, load, repo, query, identity };
  const call = callContextObject(host.services, fields, args.context, plan);
  if (host.callScopedServices !== true) return execute(call);
  return settleThenDispose(host, call, execute);
}

/**
 * Runs `execute` and disposes the call-scoped services it opened once it settles, also when it fails
 * (then the call's own error is the one reported; a disposal failure is only logged).
 */
function settleThenDispose(
  host: ExecutionHost,
  ctx: Record<string | symbol, unknown>,
  execute: (ctx: Record<string | symbol, unknown>) => unknown,
): Promise<unknown> {
  const failed = (error: unknown) => {
    const rethrow = () => {
      throw error;
    };
    return disposeCallServices(ctx).then(rethrow, (disposal: unknown) => {
      host.services.logger.error({ err: disposal }, 'disposing call-scoped services failed');
      rethrow();
    });
  };
  let result: unknown;
  try {
    result = execute(ctx);
  } catch (error) {
    return failed(error);
  }
  return Promise.resolve(result).then((value) => disposeCallServices(ctx).then(() => value), failed);
}

type Input = Parsed<Record<string, unknown>>;

/**
 * Runs the computes in order, each seeing the input as the previous ones left it, and returns the new
 * frozen input (the parsed one when no compute set anything). The computed fields join `fieldsSet`.
 * One copy per call, however many computes: the computes write into it, then it is frozen.
 */
function applyComputes(plan: Plan, parsed: Input, ctx: RuleContext<unknown, unknown, unknown>): Input {
  let draft: Record<string, unknown> | undefined;
  let fieldsSet: Set<string> | undefined;
  let current = ctx;
  for (const compute of plan.computes) {
    const out = compute.evaluate(current);
    if (!out) continue;
    if (draft === undefined || fieldsSet === undefined) {
      draft = { ...parsed };
      fieldsSet = new Set<string>(parsed.$fieldsSet);
      Object.defineProperty(draft, '$fieldsSet', { value: fieldsSet, enumerable: false });
      current = { ...ctx, input: draft };
    }
    draft[compute.field] = out.value;
    fieldsSet.add(compute.field);
  }
  return draft === undefined ? parsed : (Object.freeze(draft) as Input);
}

/** The identity's value a load reads; a load that needs the caller answers 401 without one. */
function identityValue(
  source: { readonly name: string; readonly numeric: boolean },
  identity: Identity | undefined,
): unknown {
  if (identity === undefined) throw new Unauthorized('this operation needs an authenticated caller');
  const raw =
    source.name === 'subject' ? identity.subject : identity.claims[source.name.slice('claims.'.length)];
  // A subject is a string; a numeric key column compares as a number (a non-numeric subject finds nothing).
  if (source.numeric && typeof raw === 'string') {
    const n = Number(raw);
    return raw.trim() !== '' && Number.isFinite(n) ? n : undefined;
  }
  return raw;
}

async function runLoad(
  host: ExecutionHost,
  step: LoadStep,
  params: Record<string, unknown>,
  input: Record<string, unknown> | undefined,
  identity: Identity | undefined,
): Promise<unknown> {
  const m = step.marker;
  const source = step.source;
  const value =
    source.kind === 'param'
      ? params[source.name]
      : source.kind === 'input'
        ? input?.[source.name]
        : identityValue(source, identity);
  const repo = host.repository(m.model);
  if (m.kind === 'exists') {
    // An absent input field looks nothing up: there is nothing to compare.
    const found = value === undefined ? false : await repo.exists(m.against as never, value as never);
    if (!found && m.onMissing === 'raise') throw new NotFound(m.model.$name, value ?? null);
    return found;
  }
  let entity: unknown = null;
  if (value !== undefined) {
    entity =
      m.kind === 'loadById'
        ? await repo.getById(value, { profile: m.profile })
        : await repo.getBy(m.against as never, value as never, { profile: m.profile });
  }
  if (entity !== null) return entity;
  if (m.onMissing === 'raise') throw new NotFound(m.model.$name, value ?? null);
  return m.onMissing === 'returnFalse' ? false : null;
}
