import { type Parsed, parseCommandDraft } from '../command/command.ts';
import {
  type CommandValueDraft,
  copyCommandValue,
  freezeCommandValue,
  setCommandField,
} from '../command/command-value.ts';
import { type CallContext, useCaseCallContext } from '../context/call-context.ts';
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
import type { AnyMarker } from './markers.ts';
import type { LoadStep, Plan } from './plan.ts';
import type { RuleContext } from './rule.ts';
import type { UseCaseServices } from './services.ts';

/** What a caller hands the executor. */
export interface CallArgs {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly payload?: unknown;
  readonly query?: QuerySpec | undefined;
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
  readonly guards?: GuardSet | undefined;
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
  const result = executePlanNow(host, plan, args);
  return result instanceof Promise ? result : Promise.resolve(result);
}

/**
 * {@link executePlan} without the promise around a call that finished synchronously: returns its result
 * itself then (no loads, a synchronous `execute`: computes and rules over the input), else a promise,
 * which is rejected on any failure (this never throws). The REST layer answers such calls without a
 * promise hop.
 *
 * @example
 * ```ts
 * const result = executePlanNow(host, plan, { payload });
 * const value = result instanceof Promise ? await result : result;
 * ```
 */
export function executePlanNow(host: ExecutionHost, plan: Plan, args: CallArgs): unknown {
  const started = performance.now();
  let result: unknown;
  try {
    const db = host.services.db;
    result =
      plan.readOnly || args.readOnly === true || plan.singleStatement || db.inTransaction()
        ? run(host, plan, args)
        : db.unitOfWork(() => Promise.resolve(run(host, plan, args)));
  } catch (error) {
    return failed(host, plan, args, started, error);
  }
  // A call that finished synchronously is observed now and its result returned as it is.
  if (!isPromiseLike(result)) {
    try {
      host.observe?.(plan, 'success', performance.now() - started, undefined, args.context);
    } catch (error) {
      return Promise.reject(error);
    }
    return result;
  }
  // One chained promise rather than nested async functions: every promise costs more while async
  // hooks are on (an AsyncLocalStorage is active: transactions, ambient call contexts).
  return Promise.resolve(result).then(
    (value) => {
      host.observe?.(plan, 'success', performance.now() - started, undefined, args.context);
      return value;
    },
    (error: unknown) => failed(host, plan, args, started, error),
  );
}

/** Observes a failed call and returns its rejection. */
function failed(
  host: ExecutionHost,
  plan: Plan,
  args: CallArgs,
  started: number,
  error: unknown,
): Promise<never> {
  try {
    host.observe?.(
      plan,
      error instanceof RuleViolations ? 'rule_failure' : 'failure',
      performance.now() - started,
      error,
      args.context,
    );
  } catch (observerError) {
    return Promise.reject(observerError);
  }
  return Promise.reject(error);
}

/** True for a promise or any object with a callable `then` (what `await` would wait for). */
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  if (value instanceof Promise) return true;
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The call up to `execute`: synchronous (its result or `execute`'s promise, or a throw) when the plan has
 * no loads, else a promise.
 */
function run(host: ExecutionHost, plan: Plan, args: CallArgs): unknown {
  const guards = args.guards === undefined ? undefined : mergeGuards(args.guards, plan.guards);
  const identity = args.context?.identity;
  // Guards on the caller alone run before anything about the request is looked at.
  if (guards !== undefined && guards.identity.length > 0)
    enforce(guards.identity, { identity, params: args.params ?? {}, input: undefined, load: {} });
  const params = bindParams(plan, args.params);
  let input: Input | undefined;
  // The parsed input is still writable: the computes write into it, then it is frozen. Only when no guard
  // sees the input before the computes (a guard would otherwise see it change after its check).
  let draft = false;
  if (plan.input) {
    if (args.payload === undefined || args.payload === null) {
      throw new ValidationError([{ path: '', message: `a ${plan.input.$name} payload is required` }]);
    }
    draft =
      plan.computes.length > 0 &&
      (guards === undefined || (guards.call.length === 0 && guards.loaded.length === 0));
    input = (draft ? parseCommandDraft(plan.input, args.payload) : plan.input.parse(args.payload)) as Input;
  }
  // Before any load: a forbidden caller never learns whether the ids it named exist.
  if (guards !== undefined && guards.call.length > 0)
    enforce(guards.call, { identity, params, input, load: {} });
  const afterLoads = guards !== undefined && guards.loaded.length > 0 ? guards.loaded : undefined;
  if (plan.loads.length > 0) return withLoads(host, plan, args, params, input, draft, afterLoads);
  if (afterLoads !== undefined) enforce(afterLoads, { identity, params, input, load: {} });
  return finish(host, plan, args, params, input, draft, {});
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
  input: Input | undefined,
  draft: boolean,
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
  return finish(host, plan, args, params, input, draft, load);
}

/**
 * Computes, rules, then `execute`, whose result (or promise) is returned as it is. `draft`: `parsed` is
 * still writable, and the computes write into it (see {@link applyComputes}).
 */
function finish(
  host: ExecutionHost,
  plan: Plan,
  args: CallArgs,
  params: Record<string, unknown>,
  parsed: Input | undefined,
  draft: boolean,
  load: Record<string, unknown>,
): unknown {
  let input = parsed;
  const identity = args.context?.identity;
  let ctx: RuleContext<unknown, unknown, unknown> =
    identity === undefined ? { input, params, load } : { input, params, load, identity };
  if (input !== undefined && plan.computes.length > 0) {
    const computed = applyComputes(plan, input, draft, ctx);
    // Written in place: the same object, now frozen, and the same context.
    if (computed !== input) {
      input = computed;
      ctx = identity === undefined ? { input, params, load } : { input, params, load, identity };
    }
  }
  if (plan.rules.length > 0) {
    let violations: Violation[] | undefined;
    for (const rule of plan.rules) {
      const v = rule.evaluate(ctx);
      if (!v) continue;
      if (violations === undefined) violations = [v];
      else violations.push(v);
    }
    if (violations !== undefined) throw new RuleViolations(violations);
  }
  const repo = plan.model ? host.repository(plan.model) : undefined;
  const query = plan.query ? (args.query ?? DEFAULT_QUERY) : undefined;
  // The declaration's types were checked at compile time; at run time the context is assembled untyped.
  const execute = plan.useCase.decl.execute as unknown as (ctx: Record<string | symbol, unknown>) => unknown;
  const call = useCaseCallContext(
    host.services,
    input,
    params,
    load,
    repo,
    query,
    identity,
    args.context,
    plan,
  );
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
 * Runs the computes in order, each seeing the input as the previous ones left it, and returns the frozen
 * input; the computed fields join `fieldsSet`. With `draft`, the parsed input is still writable and the
 * computes write into it (no copy; it is frozen here). Otherwise it is copied once, on the first
 * compute that sets something, and returned as it is when none did.
 */
function applyComputes(
  plan: Plan,
  parsed: Input,
  draft: boolean,
  ctx: RuleContext<unknown, unknown, unknown>,
): Input {
  let target: CommandValueDraft | undefined = draft ? (parsed as CommandValueDraft) : undefined;
  let current = ctx;
  for (const compute of plan.computes) {
    const value = compute.evaluate(current);
    if (value === undefined) continue;
    if (target === undefined) {
      target = copyCommandValue(parsed);
      current = { ...ctx, input: target };
    }
    setCommandField(target, compute.field, value);
  }
  return target === undefined ? parsed : freezeCommandValue<Input>(target);
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

/**
 * One load or exists step: its value, or a promise of it (a chained `then`, not an async function:
 * one promise fewer per load). Throws {@link NotFound} when it must raise.
 */
function runLoad(
  host: ExecutionHost,
  step: LoadStep,
  params: Record<string, unknown>,
  input: Record<string, unknown> | undefined,
  identity: Identity | undefined,
): unknown {
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
    if (value === undefined) return existsOutcome(m, value, false);
    return Promise.resolve(repo.exists(m.against as never, value as never)).then((found) =>
      existsOutcome(m, value, found),
    );
  }
  if (value === undefined) return loadOutcome(m, value, null);
  const pending =
    m.kind === 'loadById'
      ? repo.getById(value, { profile: m.profile })
      : repo.getBy(m.against as never, value as never, { profile: m.profile });
  return Promise.resolve(pending).then((entity: unknown) => loadOutcome(m, value, entity));
}

/** What an exists step yields for `found`: the boolean, or a 404 when it must raise. */
function existsOutcome(m: AnyMarker, value: unknown, found: boolean): boolean {
  if (!found && m.onMissing === 'raise') throw new NotFound(m.model.$name, value ?? null);
  return found;
}

/** What a load step yields for the entity it read (null: none): it, a 404, `false` or null. */
function loadOutcome(m: AnyMarker, value: unknown, entity: unknown): unknown {
  if (entity !== null) return entity;
  if (m.onMissing === 'raise') throw new NotFound(m.model.$name, value ?? null);
  return m.onMissing === 'returnFalse' ? false : null;
}
