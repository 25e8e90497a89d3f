import type { TSchema } from 'typebox';
import Type from 'typebox';
import { columnValueSchema } from '../model/column.ts';
import type { AnyModel, CreateInput, FieldMeta, UpdateInput } from '../model/model.ts';
import { type Command, command } from './command.ts';
import { type PatchField, patch } from './patch.ts';

function writable(model: AnyModel): FieldMeta[] {
  return model.$fields.filter((f) => !f.def.autoIncrement && !f.def.managed);
}

function wireSchema(f: FieldMeta): TSchema {
  const value = columnValueSchema(f.def);
  return f.def.nullable ? Type.Union([value, Type.Null()]) : value;
}

function toDate(wire: unknown): Date {
  const date = new Date(wire as string);
  // RFC 3339 allows what a Date cannot hold (second 60): a 422, not an Invalid Date written to the db.
  if (Number.isNaN(date.getTime())) throw new RangeError('must be a date-time a JavaScript Date can hold');
  return date;
}

function decoders(model: AnyModel): Record<string, (wire: unknown) => unknown> {
  const out: Record<string, (wire: unknown) => unknown> = {};
  for (const f of model.$fields) if (f.def.kind === 'datetime') out[f.name] = toDate;
  return out;
}

/** A value as JSON carries it: a datetime is an ISO-8601 string on the wire, not a `Date`. */
type Wire<V> = V extends Date ? string : V;

// Through `Simplify`, tsc prints the fields ("does not exist in type '{ name: string; … }'") rather
// than `CreatePayload<Model<…every column…>>`.
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/**
 * What `app.entity(M).create(payload)` takes: the model's writable fields (no auto-increment key, no
 * timestamps), required unless nullable or defaulted; datetimes as ISO strings.
 *
 * @example
 * ```ts
 * const User = model('users', { id: column.int().primaryKey().autoIncrement(), fullName: column.string(120), email: column.string(255) });
 * const payload: CreatePayload<typeof User> = { fullName: 'Ada', email: 'ada@example.com' };
 * ```
 */
export type CreatePayload<M extends AnyModel> = Simplify<{
  [K in keyof CreateInput<M>]: Wire<CreateInput<M>[K]>;
}>;

/**
 * What `app.entity(M).update(id, payload)` takes: any subset of the writable fields (a patch).
 *
 * @example
 * ```ts
 * const User = model('users', { id: column.int().primaryKey().autoIncrement(), fullName: column.string(120), email: column.string(255) });
 * const patch: UpdatePayload<typeof User> = { email: 'ada@example.org' };
 * ```
 */
export type UpdatePayload<M extends AnyModel> = Simplify<{
  [K in keyof UpdateInput<M>]: Wire<UpdateInput<M>[K]>;
}>;

/** A command whose value type is a model's create input. */
export type CreateCommandOf<M extends AnyModel> = Command<Record<string, TSchema | PatchField>> & {
  parse(payload: unknown): CreateInput<M> & { readonly $fieldsSet: ReadonlySet<string> };
  /** Phantom: what a typed caller sends (`app.invoke`, `InvokeArgs`). */
  readonly $payload?: CreatePayload<M>;
};
/** A command whose value type is a model's update input (every field a patch). */
export type UpdateCommandOf<M extends AnyModel> = Command<Record<string, TSchema | PatchField>> & {
  parse(payload: unknown): UpdateInput<M> & { readonly $fieldsSet: ReadonlySet<string> };
  /** Phantom: what a typed caller sends (`app.invoke`, `InvokeArgs`). */
  readonly $payload?: UpdatePayload<M>;
};

/**
 * The create command derived from a model: every writable field (no auto-increment key, no timestamps),
 * required unless nullable or defaulted. Named `Create<Entity>`.
 *
 * @example
 * ```ts
 * const CreateUser = createCommandOf(User);
 * CreateUser.parse({ full_name: 'Ada', email: 'ada@example.com' });
 * ```
 */
export function createCommandOf<M extends AnyModel>(model: M): CreateCommandOf<M> {
  const fields: Record<string, TSchema> = {};
  for (const f of writable(model)) {
    let s = wireSchema(f);
    const d = f.def.default;
    if (d && 'value' in d) s = { ...s, default: d.value } as TSchema;
    else if (f.def.nullable || d) s = Type.Optional(s);
    fields[f.name] = s;
  }
  return command(fields, {
    name: `Create${model.$name}`,
    decoders: decoders(model),
  }) as unknown as CreateCommandOf<M>;
}

/**
 * The update command derived from a model: every writable field as a patch. Named `Update<Entity>`.
 *
 * @example
 * ```ts
 * const UpdateUser = updateCommandOf(User);
 * UpdateUser.parse({ email: 'new@example.com' }).$fieldsSet; // Set { 'email' }
 * ```
 */
export function updateCommandOf<M extends AnyModel>(model: M): UpdateCommandOf<M> {
  const fields: Record<string, PatchField> = {};
  for (const f of writable(model)) if (!f.def.primaryKey) fields[f.name] = patch(wireSchema(f));
  return command(fields, {
    name: `Update${model.$name}`,
    decoders: decoders(model),
  }) as unknown as UpdateCommandOf<M>;
}
