import type { TSchema } from 'typebox';
import Type from 'typebox';
import { type AnyCommand, isCommand } from '../command/command.ts';
import { DeclarationError } from '../errors/index.ts';
import { type AnyModel, isModel } from '../model/model.ts';
import { compileValidator, type Validator } from '../schema/validator.ts';
import { type Compute, computeBuilder } from './compute.ts';
import { type GuardSet, guardBuilder, guardSet } from './guard.ts';
import type { AnyMarker } from './markers.ts';
import type { RepositoryWriteMethod } from './repository-binding.ts';
import { type Rule, ruleBuilder } from './rule.ts';
import type { AnyUseCase, DispatchesDecl } from './use-case.ts';

/** How one load/exists step finds its lookup value. */
export interface LoadStep {
  readonly name: string;
  readonly marker: AnyMarker;
  /**
   * Where the looked-up value comes from. For `identity`, `name` is `subject` or `claims.<claim>`;
   * `numeric` says the target field is a number column, so the identity's string is converted.
   */
  readonly source:
    | { readonly kind: 'param'; readonly name: string }
    | { readonly kind: 'input'; readonly name: string }
    | { readonly kind: 'identity'; readonly name: string; readonly numeric: boolean };
}

export interface ParamBinding {
  readonly name: string;
  readonly schema: TSchema;
  readonly validator: Validator;
  readonly numeric: boolean;
  readonly boolean: boolean;
  /** `t.Optional(...)`: may be left out (then absent from `params`). */
  readonly optional: boolean;
  /** The schema's `default`, used when the caller leaves the param out. */
  readonly defaultValue?: { readonly value: unknown };
}

/**
 * The immutable execution plan of a use case, compiled once at boot. Every declaration mistake is found
 * here and reported with the use case's name; nothing is reflected per call.
 */
export interface Plan {
  readonly name: string;
  readonly useCase: AnyUseCase;
  readonly model: AnyModel | null;
  readonly params: readonly ParamBinding[];
  readonly input: AnyCommand | undefined;
  readonly loads: readonly LoadStep[];
  readonly computes: readonly Compute[];
  readonly rules: readonly Rule[];
  /** The use case's own guards, by stage (enforced on calls made for a request: `CallArgs.guards`). */
  readonly guards: GuardSet;
  readonly readOnly: boolean;
  readonly singleStatement: boolean;
  /**
   * The repository method a single-statement plan writes through (auto-CRUD: create, update, delete):
   * with a custom repository, the plan stays single-statement only if the repository declares it so.
   */
  readonly singleStatementWrite: RepositoryWriteMethod | undefined;
  readonly query: boolean;
  /**
   * The jobs the use case declares it dispatches (`dispatches`), or undefined when it declares none (its
   * dispatches are then checked only when they happen). Boot checks each is registered (decision 0060).
   */
  readonly dispatches: readonly AnyUseCase[] | undefined;
}

function typeOf(schema: TSchema): string | undefined {
  const t = (schema as { type?: unknown }).type;
  return typeof t === 'string' ? t : undefined;
}

/**
 * Compiles a use case into a {@link Plan}, validating the declaration.
 *
 * @example
 * ```ts
 * const plan = compilePlan(UpdateUserUseCase, 'UpdateUser'); // throws DeclarationError naming the mistake
 * ```
 */
export function compilePlan(useCase: AnyUseCase, name: string): Plan {
  const decl = useCase.decl;
  const fail = (reason: string): never => {
    throw new DeclarationError(name, reason);
  };
  if (typeof decl.execute !== 'function') fail('execute must be a function');
  if (decl.input !== undefined && !isCommand(decl.input)) {
    fail('input must be one command built with command() (a single input per use case)');
  }
  const input = decl.input as AnyCommand | undefined;
  const paramDecl = (decl.params ?? {}) as Record<string, TSchema>;
  const params: ParamBinding[] = Object.entries(paramDecl).map(([pname, schema]) => {
    if (typeof schema !== 'object' || schema === null)
      fail(`param "${pname}" must be a schema (t.Integer(), …)`);
    const t = typeOf(schema);
    return {
      name: pname,
      schema,
      validator: compileValidator(schema),
      numeric: t === 'integer' || t === 'number',
      boolean: t === 'boolean',
      optional: Type.IsOptional(schema),
      ...('default' in schema ? { defaultValue: { value: (schema as { default: unknown }).default } } : {}),
    };
  });
  const hasInputField = (field: string) => input?.$fieldsByName.has(field) ?? false;

  const loads: LoadStep[] = Object.entries((decl.load ?? {}) as Record<string, AnyMarker>).map(
    ([lname, marker]) => {
      const label = `load.${lname}`;
      const kind =
        typeof marker === 'object' && marker !== null ? (marker as { kind?: unknown }).kind : undefined;
      if (kind !== 'loadById' && kind !== 'load' && kind !== 'exists')
        fail(`${label} must be loadById(), load() or exists()`);
      const target = marker.model as AnyModel;
      if (!isModel(target)) fail(`${label}: ${kind}() needs a model as its first argument`);
      if (marker.kind === 'loadById') {
        if (!(marker.by in paramDecl))
          fail(`${label}: loadById(${target.$name}) by "${marker.by}", which is not a declared param`);
        return { name: lname, marker, source: { kind: 'param', name: marker.by } };
      }
      if (!target.$fieldsByName.has(marker.against)) {
        fail(`${label}: ${marker.kind}(${target.$name}) against unknown field "${marker.against}"`);
      }
      if (marker.from.startsWith('input.')) {
        const field = marker.from.slice('input.'.length);
        if (!input) fail(`${label}: from "${marker.from}" but the use case has no input`);
        if (!hasInputField(field))
          fail(`${label}: from "${marker.from}", which is not a field of ${input!.$name}`);
        return { name: lname, marker, source: { kind: 'input', name: field } };
      }
      if (marker.from.startsWith('identity.')) {
        const path = marker.from.slice('identity.'.length);
        if (path !== 'subject' && !/^claims\.[A-Za-z_$][\w$]*$/.test(path))
          fail(
            `${label}: from "${marker.from}": an identity source is identity.subject or identity.claims.<name>`,
          );
        const kind = target.$fieldsByName.get(marker.against)?.def.kind;
        const numeric = kind === 'int' || kind === 'bigint' || kind === 'float';
        return { name: lname, marker, source: { kind: 'identity', name: path, numeric } };
      }
      if (!(marker.from in paramDecl)) fail(`${label}: from "${marker.from}", which is not a declared param`);
      return { name: lname, marker, source: { kind: 'param', name: marker.from } };
    },
  );

  const patchFields = new Set(input?.$fields.filter((f) => f.patch).map((f) => f.name) ?? []);
  const computes = (decl.computes ? [...decl.computes(computeBuilder(patchFields))] : []) as Compute[];
  const rules = (decl.rules ? [...decl.rules(ruleBuilder(patchFields))] : []) as Rule[];
  if ((computes.length > 0 || rules.length > 0) && !input && rules.some((r) => r.fields.length > 0)) {
    fail('rules name input fields but the use case has no input');
  }
  for (const c of computes) {
    if (!hasInputField(c.field)) fail(`compute sets unknown input field "${c.field}"`);
    if (input?.$fieldsByName.get(c.field)?.serverOwned === 'internal')
      fail(`compute sets internal field "${c.field}": declare it computed(...), or set it in execute`);
  }
  // A computed field nothing computes would always be absent: a declaration mistake.
  for (const f of input?.$fields ?? []) {
    if (f.serverOwned === 'computed' && !computes.some((c) => c.field === f.name))
      fail(`computed field "${f.name}" is set by no compute`);
  }
  for (const r of rules) {
    for (const f of r.fields) if (!hasInputField(f)) fail(`a rule names unknown input field "${f}"`);
    const p = r.presence;
    const named = p === undefined ? [] : typeof p === 'string' ? [p] : 'any' in p ? p.any : p.all;
    for (const f of named) if (!hasInputField(f)) fail(`whenPresent names unknown input field "${f}"`);
  }
  if (decl.query && !useCase.model) fail('query: true needs a model (the list query is over its fields)');
  let guards: GuardSet;
  try {
    guards = guardSet(decl.guards ? [...decl.guards(guardBuilder())] : []);
  } catch (error) {
    return fail((error as Error).message);
  }
  const dispatches = dispatchesOf(decl.dispatches, fail);
  if (dispatches !== undefined && dispatches.length > 0 && decl.singleStatement)
    fail('a single-statement plan dispatches nothing: drop singleStatement or dispatches');
  return Object.freeze({
    name,
    useCase,
    model: useCase.model,
    params,
    input,
    loads,
    computes,
    rules,
    guards,
    readOnly: decl.readOnly === true,
    singleStatement: decl.singleStatement !== undefined && decl.singleStatement !== false,
    singleStatementWrite: typeof decl.singleStatement === 'string' ? decl.singleStatement : undefined,
    query: decl.query === true,
    dispatches,
  });
}

/** The declared `dispatches`, resolved (a function is called now, at boot) and checked to be jobs. */
function dispatchesOf(
  declared: DispatchesDecl | undefined,
  fail: (reason: string) => never,
): readonly AnyUseCase[] | undefined {
  if (declared === undefined) return undefined;
  let list: unknown;
  try {
    list = typeof declared === 'function' ? declared() : declared;
  } catch (error) {
    return fail(`dispatches: its function threw (${(error as Error).message})`);
  }
  if (!Array.isArray(list)) return fail('dispatches must be a list of jobs, or a function returning one');
  list.forEach((item: unknown, i) => {
    const ok =
      typeof item === 'object' &&
      item !== null &&
      (item as { kind?: unknown }).kind === 'useCase' &&
      'jobOptions' in item;
    // An import cycle leaves `undefined` in an eager list: the function form defers the lookup.
    if (!ok)
      fail(
        `dispatches[${i}] is ${item === undefined ? 'undefined (an import cycle? declare dispatches: () => [...])' : 'not a job built with job()'}`,
      );
  });
  return Object.freeze([...new Set(list as AnyUseCase[])]);
}
