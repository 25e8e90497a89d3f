import type { Static, TSchema } from 'typebox';
import type { AnyCommand, PayloadOfCommand } from '../command/command.ts';
import type { FieldName } from '../model/model.ts';
import type { QuerySpec } from '../repository/query-spec.ts';
import type { ModelOfTarget, UseCase } from './use-case.ts';

// How a call's arguments are typed (docs/decisions/0010-typed-calls.md). Every argument type below is a
// plain object type, never a union and never an intersection with a catch-all: that is what lets tsc
// check excess properties of object literals and report a mistake at the offending key, in a message
// that names it ("'nmae' does not exist in type …", "Property 'email' is missing …").

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type IsOptionalParam<S> = S extends { '~optional': true } ? true : false;
type HasDefaultParam<S> = S extends { default: unknown } ? true : false;
/** Params a caller may leave out: `t.Optional(...)` ones and those with a default. */
type OmittableParamKeys<P> = {
  [K in keyof P]: IsOptionalParam<P[K]> extends true ? K : HasDefaultParam<P[K]> extends true ? K : never;
}[keyof P];

/**
 * The params a caller passes: each declared param with its declared type (`t.Integer()` → `number`);
 * optional and defaulted ones may be left out.
 *
 * @example
 * ```ts
 * import type { TInteger } from 'typebox';
 * type P = ParamsIn<{ userId: TInteger }>; // { readonly userId: number }
 * ```
 */
export type ParamsIn<P> = Simplify<
  { readonly [K in Exclude<keyof P, OmittableParamKeys<P>>]: P[K] extends TSchema ? Static<P[K]> : never } & {
    readonly [K in OmittableParamKeys<P>]?: P[K] extends TSchema ? Static<P[K]> : never;
  }
>;

/**
 * A use case without params takes none. `{}` would accept any key; this type's one (impossible) key
 * makes tsc check excess properties and say so: "'id' does not exist in type '{ "no params declared"?… }'".
 */
type NoParams = { readonly 'no params declared'?: never };

type ParamsArg<P> = keyof P extends never
  ? { readonly params?: NoParams }
  : Exclude<keyof P, OmittableParamKeys<P>> extends never
    ? { readonly params?: ParamsIn<P> }
    : { readonly params: ParamsIn<P> };

/**
 * What a caller sends as the payload of a command (camelCase keys): required fields, and optional
 * patch fields, `t.Optional` fields and fields with a default. A command may carry a more precise
 * payload type (`$payload`, the model-derived create and update commands do).
 */
export type PayloadOf<C> = C extends { readonly $payload?: infer W }
  ? unknown extends W
    ? C extends AnyCommand
      ? PayloadOfCommand<C>
      : never
    : Exclude<W, undefined>
  : C extends AnyCommand
    ? PayloadOfCommand<C>
    : never;

type PayloadArg<C> = C extends AnyCommand
  ? { readonly payload: PayloadOf<C> }
  : { readonly payload?: undefined };

type QueryArg<Q, T> = Q extends true
  ? { readonly query?: QuerySpec<FieldName<Exclude<ModelOfTarget<T>, null>>> }
  : {};

/**
 * What `app.invoke(useCase, args)` (and `jobs.run`, and the testing kit's runner) takes, derived from
 * the declaration: `params` with their declared types, `payload` with the command's payload type
 * (unknown keys rejected), `query` for list use cases. Raw JSON goes through `invokeRaw` instead.
 *
 * @example
 * ```ts
 * const args: InvokeArgs<typeof UpdateUserUseCase> = { params: { userId: 1 }, payload: { email: 'a@b.co' } };
 * ```
 */
export type InvokeArgs<U> =
  U extends UseCase<infer T, infer P, infer C, infer _L, infer Q, infer _R>
    ? Simplify<ParamsArg<P> & PayloadArg<C> & QueryArg<Q, T>>
    : never;

/**
 * Untyped call arguments, validated at run time only: for code that forwards JSON it did not build (a
 * proxy, a webhook relay). Params may be strings (converted by their declared type, as path params are);
 * the payload may use camelCase or snake_case keys. Mistakes are 400/422 errors, not compile errors.
 *
 * @example
 * ```ts
 * await app.invokeRaw(UpdateUserUseCase, { params: { userId: '7' }, payload: JSON.parse(body) });
 * ```
 */
export interface RawInvokeArgs {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly payload?: unknown;
  readonly query?: QuerySpec;
}
