import type { AnyModel, ColumnsOf, FieldName, ValueOf } from './model.ts';
import type { CamelCase, SnakeCase } from './profiles.ts';
import type { CustomProjection, FieldsProjection, ProjectionMap } from './projection.ts';
import type { Relation, RelationMap } from './relation.ts';

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type IsAny<T> = 0 extends 1 & T ? true : false;

/** The relations of a model (type level). */
export type RelationsOf<M> = M extends { readonly $relations: infer R } ? R : {};
/** The projections of a model (type level). */
export type ProjectionsOf<M> = M extends { readonly $projections: infer PJ } ? PJ : {};
/** The target model of a relation (type level). */
export type TargetOf<Rel> = Rel extends Relation<infer _K, infer T> ? T : never;

/** The relation map given in model options. */
export type RelationsOfOptions<O> = O extends { readonly relations: infer R extends RelationMap } ? R : {};
/** The projection map given in model options. */
export type ProjectionsOfOptions<O> = O extends { readonly projections: infer PJ extends ProjectionMap }
  ? PJ
  : {};

/**
 * The column-only entity type of a model: one property per column, `| null` where nullable. Related
 * rows in a profile have this shape.
 */
export type InferColumns<M extends AnyModel> = Simplify<{
  -readonly [K in keyof ColumnsOf<M>]: ValueOf<ColumnsOf<M>[K]>;
}>;

type DeclaredProfiles<X> = X extends { readonly profiles: readonly (infer P)[] } ? P & string : never;
type LoadsIn<X, P extends string> = P extends CamelCase<DeclaredProfiles<X>> ? true : false;

/** The canonical names of the profiles of a relation map and a projection map, `default` included. */
export type ProfileNameOf<R, PJ> =
  | 'default'
  | CamelCase<DeclaredProfiles<R[keyof R]>>
  | CamelCase<DeclaredProfiles<PJ[keyof PJ]>>;

/** The canonical profile names of a model. */
export type ProfileName<M extends AnyModel> = ProfileNameOf<RelationsOf<M>, ProjectionsOf<M>>;

/** A profile name as a caller may spell it: canonical camelCase or snake_case. */
export type ProfileArg<M extends AnyModel> = ProfileName<M> | SnakeCase<ProfileName<M>>;

type RelationValue<Rel> =
  Rel extends Relation<infer K, infer T>
    ? K extends 'oneToMany' | 'manyToMany'
      ? InferColumns<T>[]
      : InferColumns<T> | null
    : never;

type FieldsValue<Rel, C extends string> =
  Rel extends Relation<infer K, infer T>
    ? K extends 'oneToMany' | 'manyToMany'
      ? Simplify<Pick<InferColumns<T>, C & keyof InferColumns<T>>>[]
      : Simplify<Pick<InferColumns<T>, C & keyof InferColumns<T>>> | null
    : never;

type ProjectionValue<X, R> = X extends { readonly loader: 'count' }
  ? number
  : X extends { readonly loader: 'exists' }
    ? boolean
    : X extends FieldsProjection<infer V, infer C>
      ? FieldsValue<R[V & keyof R], C>
      : X extends CustomProjection<infer T>
        ? T
        : never;

type ProfileShape<M extends AnyModel, P extends string> = InferColumns<M> & {
  -readonly [K in keyof RelationsOf<M> as LoadsIn<RelationsOf<M>[K], P> extends true
    ? K
    : never]: RelationValue<RelationsOf<M>[K]>;
} & {
  -readonly [K in keyof ProjectionsOf<M> as LoadsIn<ProjectionsOf<M>[K], P> extends true
    ? K
    : never]: ProjectionValue<ProjectionsOf<M>[K], RelationsOf<M>>;
};

/**
 * The entity type of a model for a profile: its columns plus exactly the relations and projections the
 * profile loads. Without a profile (or with `default`): columns plus the default profile's extras. The
 * profile may be spelled camelCase or snake_case.
 *
 * @example
 * ```ts
 * type Row = Infer<typeof BenchRecord>;                     // { id, ownerId, title, …, hasNotes: boolean }
 * type Details = Infer<typeof BenchRecord, 'withDetails'>;  // + owner, notes, notesCount, noteSnippets
 * ```
 */
export type Infer<M extends AnyModel, P extends string = 'default'> = [
  keyof RelationsOf<M> | keyof ProjectionsOf<M>,
] extends [never]
  ? InferColumns<M>
  : IsAny<RelationsOf<M>> extends true
    ? InferColumns<M>
    : string extends P
      ? Simplify<ProfileShape<M, 'default'>>
      : Simplify<ProfileShape<M, CamelCase<P>>>;

/** The names of a model's `manyToMany` relations (what `repo.links(name)` accepts). */
export type ManyToManyName<M extends AnyModel> = {
  [K in keyof RelationsOf<M>]: RelationsOf<M>[K] extends Relation<'manyToMany'> ? K : never;
}[keyof RelationsOf<M>] &
  string;

/**
 * A field a filter may name: a column, a relation (with the `exists` operator), or `relation.column`.
 *
 * @example
 * ```ts
 * where<QueryField<typeof BenchRecord>>('owner.fullName', 'eq', 'Ada');
 * ```
 */
export type QueryField<M extends AnyModel> =
  | FieldName<M>
  | (keyof RelationsOf<M> & string)
  | {
      [K in keyof RelationsOf<M> & string]: `${K}.${FieldName<TargetOf<RelationsOf<M>[K]>>}`;
    }[keyof RelationsOf<M> & string];

type CheckRelations<Cols, R> = {
  readonly [K in keyof R]: R[K] extends Relation<'manyToOne', AnyModel, infer B>
    ? [B] extends [keyof Cols]
      ? unknown
      : { readonly by: keyof Cols & string }
    : unknown;
};

type CheckProjections<R, PJ> = {
  readonly [K in keyof PJ]: PJ[K] extends { readonly via: infer V }
    ? [V] extends [keyof R]
      ? PJ[K] extends FieldsProjection<string, infer C>
        ? [C] extends [FieldName<TargetOf<R[V & keyof R]>>]
          ? unknown
          : { readonly columns: readonly FieldName<TargetOf<R[V & keyof R]>>[] }
        : unknown
      : { readonly via: keyof R & string }
    : unknown;
};

/**
 * Type-level checks of model options: a `manyToOne` key must be a column of the model, a projection's
 * relation must exist, `projection.fields` columns must be columns of the related model.
 */
export type ValidOptions<Cols, O> = {
  readonly indexes?: readonly {
    readonly fields: readonly (keyof Cols & string)[];
    readonly unique?: boolean;
  }[];
  readonly relations?: CheckRelations<Cols, RelationsOfOptions<O>>;
  readonly projections?: CheckProjections<RelationsOfOptions<O>, ProjectionsOfOptions<O>>;
};
