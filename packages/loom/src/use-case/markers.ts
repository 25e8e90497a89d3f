import type { AnyModel, FieldName, Infer } from '../model/model.ts';

/** What happens when a load or exists finds nothing. */
export type OnMissing = 'raise' | 'returnNull' | 'returnFalse';

/** A source of a lookup value: a declared param name, or `input.<field>`. */
/**
 * Where a `load()`/`exists()` takes its value: a declared param, an input field, or the caller's identity
 * (`identity.subject`, or a claim: `identity.claims.tenantId`). A load from the identity answers 401 when
 * the call has none, before any statement runs.
 */
export type SourceRef<P, I> =
  | (keyof P & string)
  | `input.${keyof I & string}`
  | 'identity.subject'
  | `identity.claims.${string}`;

// The type parameters of the markers start with the param or source they read, then onMissing, then
// the model: tsc prints them in that order, and a wrong `by` then shows first, not after every column of
// the model (docs/decisions/0010-typed-calls.md).

/** Loads an entity by primary key from a param. Default on missing: 404. */
export interface LoadByIdMarker<
  B extends string = string,
  O extends OnMissing = OnMissing,
  M extends AnyModel = AnyModel,
> {
  readonly kind: 'loadById';
  readonly model: M;
  readonly by: B;
  readonly profile: string;
  readonly onMissing: O;
}

/** Loads an entity by one of its fields, from a param or an input field. Default on missing: 404. */
export interface LoadMarker<
  S extends string = string,
  O extends OnMissing = OnMissing,
  M extends AnyModel = AnyModel,
> {
  readonly kind: 'load';
  readonly model: M;
  readonly from: S;
  readonly against: string;
  readonly profile: string;
  readonly onMissing: O;
}

/** Checks that a row with `against = value` exists. Default on missing: false. */
export interface ExistsMarker<
  S extends string = string,
  O extends OnMissing = OnMissing,
  M extends AnyModel = AnyModel,
> {
  readonly kind: 'exists';
  readonly model: M;
  readonly from: S;
  readonly against: string;
  readonly onMissing: O;
}

export type AnyMarker = LoadByIdMarker | LoadMarker | ExistsMarker;

/** The value a marker yields in `load`. */
export type MarkerValue<K> = K extends ExistsMarker
  ? boolean
  : K extends LoadByIdMarker<string, infer O, infer M> | LoadMarker<string, infer O, infer M>
    ? O extends 'raise'
      ? Infer<M>
      : O extends 'returnFalse'
        ? Infer<M> | false
        : Infer<M> | null
    : never;

/**
 * Loads an entity by id, taken from the param named `by`. 404 (`NotFound`) when missing unless
 * `onMissing` says otherwise.
 *
 * @example
 * ```ts
 * load: { current: loadById(User, { by: 'userId' }) }
 * ```
 */
export function loadById<M extends AnyModel, const B extends string, const O extends OnMissing = 'raise'>(
  model: M,
  options: { by: B; profile?: string; onMissing?: O },
): LoadByIdMarker<B, NoInfer<O>, M> {
  return Object.freeze({
    kind: 'loadById',
    model,
    by: options.by,
    profile: options.profile ?? 'default',
    onMissing: (options.onMissing ?? 'raise') as O,
  });
}

/**
 * Loads an entity by a field (`against`) equal to a param or an input field (`from`).
 *
 * @example
 * ```ts
 * load: { owner: load(User, { from: 'input.email', against: 'email', onMissing: 'returnNull' }) }
 * ```
 */
export function load<M extends AnyModel, const S extends string, const O extends OnMissing = 'raise'>(
  model: M,
  options: { from: S; against: FieldName<M>; profile?: string; onMissing?: O },
): LoadMarker<S, NoInfer<O>, M> {
  return Object.freeze({
    kind: 'load',
    model,
    from: options.from,
    against: options.against,
    profile: options.profile ?? 'default',
    onMissing: (options.onMissing ?? 'raise') as O,
  });
}

/**
 * True when a row with `against = <from>` exists. With `onMissing: 'raise'`, a missing row is a 404.
 *
 * @example
 * ```ts
 * load: { emailTaken: exists(User, { from: 'input.email', against: 'email' }) }
 * ```
 */
export function exists<M extends AnyModel, const S extends string, const O extends OnMissing = 'returnFalse'>(
  model: M,
  options: { from: S; against: FieldName<M>; onMissing?: O },
): ExistsMarker<S, NoInfer<O>, M> {
  return Object.freeze({
    kind: 'exists',
    model,
    from: options.from,
    against: options.against,
    onMissing: (options.onMissing ?? 'returnFalse') as O,
  });
}
