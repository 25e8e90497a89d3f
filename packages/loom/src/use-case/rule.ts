import type { Identity } from '../context/identity.ts';
import type { Violation } from '../errors/index.ts';

/**
 * What a rule function may return. For `check`: `true` (or nothing) passes, `false` fails with the
 * rule's message, a string fails with that message, a violation object fails as given. For `forbid`:
 * `true` fails with the rule's message, a string or violation fails, `false` (or nothing) passes.
 * Any other value is a bug in the rule and is reported as such (not silently passed).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a predicate written as a block with no return is a pass.
export type RuleResult = boolean | string | Violation | null | undefined | void;

/** What rules, computes and `execute` see of a call. */
export interface RuleContext<I, P, L> {
  readonly input: I;
  readonly params: P;
  readonly load: L;
  /** Who the call runs for (see {@link Identity}); absent for anonymous and internal calls. */
  readonly identity?: Identity;
}

/** A presence condition over input fields: one field, or any/all of several. */
export type Presence<I> =
  | (keyof I & string)
  | { readonly any: readonly (keyof I & string)[] }
  | { readonly all: readonly (keyof I & string)[] };

/** A compiled rule: evaluate it on a call, get its violation or null. */
export interface Rule<I = unknown> {
  readonly kind: 'rule';
  /** Input fields the rule names (checked at boot for plain-JS users). */
  readonly fields: readonly string[];
  readonly presence?: Presence<I>;
  /** Runs only when the presence condition holds (a patch field is present when it is in `fieldsSet`). */
  whenPresent(presence: Presence<I>): Rule<I>;
  /** @internal */
  evaluate(ctx: RuleContext<unknown, unknown, unknown>): Violation | null;
}

/** The rule builders a use case's `rules` function receives, typed from its declaration. */
export interface RuleBuilder<I, P, L> {
  /**
   * Validates one input field's value; skipped while the field is absent (use `requirePresent` to
   * demand it).
   *
   * @example
   * ```ts
   * rules: ({ check }) => [check('email', (email) => email.includes('@') || 'invalid email')]
   * ```
   */
  check<F extends keyof I & string>(
    field: F,
    fn: (value: Exclude<I[F], undefined>, ctx: RuleContext<I, P, L>) => RuleResult,
    options?: { message?: string },
  ): Rule<I>;
  /**
   * Fails when the predicate holds.
   *
   * @example
   * ```ts
   * forbid(({ load }) => load.emailTaken, 'email already exists', { field: 'email' })
   * ```
   */
  forbid(
    fn: (ctx: RuleContext<I, P, L>) => RuleResult,
    message: string,
    options?: { field?: keyof I & string },
  ): Rule<I>;
  /** Fails with "<field> is required" when the field is absent or null. */
  requirePresent<F extends keyof I & string>(field: F, options?: { message?: string }): Rule<I>;
}

type Evaluator = (ctx: RuleContext<unknown, unknown, unknown>) => Violation | null;

function makeRule<I>(
  fields: readonly string[],
  evaluator: Evaluator,
  patchFields: ReadonlySet<string> | undefined,
  presence?: Presence<I>,
): Rule<I> {
  const rule: Rule<I> = {
    kind: 'rule',
    fields,
    ...(presence === undefined ? {} : { presence }),
    whenPresent: (p) => makeRule(fields, evaluator, patchFields, p),
    evaluate(ctx) {
      if (presence !== undefined && !isPresent(ctx.input, presence as Presence<unknown>, patchFields))
        return null;
      return evaluator(ctx);
    },
  };
  return Object.freeze(rule);
}

/**
 * A patch field is present when it is in `fieldsSet`; other fields when their value is not null (so a
 * defaulted field the client left out is present, and an explicit null is not). Without `patchFields`
 * (the command's patch field names) every field is judged by `fieldsSet`.
 */
export function isPresent(
  input: unknown,
  presence: Presence<unknown>,
  patchFields?: ReadonlySet<string>,
): boolean {
  const value = input as (Record<string, unknown> & { $fieldsSet?: ReadonlySet<string> }) | undefined;
  const set = value?.$fieldsSet;
  const one = (field: string) => {
    if (set && (patchFields === undefined || patchFields.has(field))) return set.has(field);
    return value?.[field] !== undefined && value?.[field] !== null;
  };
  if (typeof presence === 'string') return one(presence);
  if ('any' in presence) return presence.any.some(one);
  return presence.all.every(one);
}

function interpret(
  result: unknown,
  failOn: boolean,
  field: string | null,
  message: string,
): Violation | null {
  if (result === undefined || result === null) return null;
  if (typeof result === 'boolean') return result === failOn ? { field, message } : null;
  if (typeof result === 'string') return { field, message: result || message };
  if (typeof result === 'object' && typeof (result as Violation).message === 'string') {
    const v = result as Violation;
    return { field: v.field === undefined ? field : v.field, message: v.message };
  }
  throw new TypeError(`a rule returned ${typeof result}; expected boolean, string, violation or nothing`);
}

/**
 * Builds the typed rule builder. Every use case gets one through its `rules` function. `patchFields`:
 * the input command's patch fields (see {@link isPresent}).
 * @internal
 */
export function ruleBuilder<I, P, L>(patchFields?: ReadonlySet<string>): RuleBuilder<I, P, L> {
  return {
    check(field, fn, options) {
      const message = options?.message ?? `${field} is invalid`;
      return makeRule<I>(
        [field],
        (ctx) => {
          const value = (ctx.input as Record<string, unknown> | undefined)?.[field];
          if (value === undefined) return null;
          return interpret(
            fn(value as Exclude<I[typeof field], undefined>, ctx as RuleContext<I, P, L>),
            false,
            field,
            message,
          );
        },
        patchFields,
      );
    },
    forbid(fn, message, options) {
      const field = options?.field ?? null;
      return makeRule<I>(
        field ? [field] : [],
        (ctx) => interpret(fn(ctx as RuleContext<I, P, L>), true, field, message),
        patchFields,
      );
    },
    requirePresent(field, options) {
      const message = options?.message ?? `${field} is required`;
      return makeRule<I>(
        [field],
        (ctx) => {
          const value = (ctx.input as Record<string, unknown> | undefined)?.[field];
          return value === undefined || value === null ? { field, message } : null;
        },
        patchFields,
      );
    },
  };
}
