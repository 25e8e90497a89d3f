import type { Presence, RuleContext } from './rule.ts';
import { isPresent } from './rule.ts';

/** A compiled compute: derives one input field's value before rules run. */
export interface Compute<I = unknown> {
  readonly kind: 'compute';
  readonly field: string;
  readonly presence?: Presence<I>;
  /** Runs only when the presence condition holds. */
  whenPresent(presence: Presence<I>): Compute<I>;
  /**
   * @internal the new value, or `undefined` to leave the input unchanged (presence false, or `via`
   * returned `undefined`). No wrapper object: it ran once per compute and call.
   */
  evaluate(ctx: RuleContext<unknown, unknown, unknown>): unknown;
}

/** The compute builder a use case's `computes` function receives. */
export interface ComputeBuilder<I, P, L> {
  /**
   * Sets an input field from a function of the call (input, params, load). Computes run in order, each
   * seeing the previous one's result; the field joins `fieldsSet`. Returning `undefined` leaves the
   * field as it was (an absent patch field stays absent).
   *
   * @example
   * ```ts
   * computes: ({ set }) => [set('email', ({ input }) => input.email.trim().toLowerCase())]
   * ```
   */
  set<F extends keyof I & string>(field: F, via: (ctx: RuleContext<I, P, L>) => I[F]): Compute<I>;
}

function makeCompute<I>(
  field: string,
  via: (ctx: RuleContext<unknown, unknown, unknown>) => unknown,
  patchFields: ReadonlySet<string> | undefined,
  presence?: Presence<I>,
): Compute<I> {
  return Object.freeze({
    kind: 'compute' as const,
    field,
    ...(presence === undefined ? {} : { presence }),
    whenPresent: (p: Presence<I>) => makeCompute(field, via, patchFields, p),
    evaluate(ctx: RuleContext<unknown, unknown, unknown>) {
      if (presence !== undefined && !isPresent(ctx.input, presence as Presence<unknown>, patchFields))
        return undefined;
      // `input.email?.trim()` on an absent patch field returns undefined: the field stays absent.
      return via(ctx);
    },
  });
}

/**
 * @internal `patchFields`: the input command's patch fields (presence is `fieldsSet` for them, a
 * non-null value for the others).
 */
export function computeBuilder<I, P, L>(patchFields?: ReadonlySet<string>): ComputeBuilder<I, P, L> {
  return {
    set: (field, via) =>
      makeCompute<I>(field, via as (ctx: RuleContext<unknown, unknown, unknown>) => unknown, patchFields),
  };
}
