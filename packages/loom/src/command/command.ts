import type { Static, TObject, TSchema } from 'typebox';
import Type from 'typebox';
import { type FieldError, ValidationError } from '../errors/index.ts';
import { toSnakeCase } from '../model/naming.ts';
import { compileValidator } from '../schema/validator.ts';
import { isPatchField, type PatchField } from './patch.ts';
import { isServerOwnedField, type ServerOwnedField, type ServerOwner } from './server-owned.ts';

/**
 * What a command field may be declared as: a schema, a {@link patch} of one, or a server-owned field
 * (`computed(...)`, `internal(...)`) the client never sends.
 */
export type CommandFieldDecl = TSchema | PatchField | ServerOwnedField;

type IsOptionalSchema<S> = S extends { '~optional': true } ? true : false;
type HasDefault<S> = S extends { default: unknown } ? true : false;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

type OptionalKeys<F> = {
  [K in keyof F]: F[K] extends PatchField | ServerOwnedField
    ? K
    : IsOptionalSchema<F[K]> extends true
      ? K
      : never;
}[keyof F];
type FieldValue<D> =
  D extends PatchField<infer S>
    ? Static<S>
    : D extends ServerOwnedField<infer S>
      ? Static<S>
      : D extends TSchema
        ? Static<D>
        : never;
/** Fields the client may send: every field but the server-owned ones. */
type ClientKeys<F> = { [K in keyof F]: F[K] extends ServerOwnedField ? never : K }[keyof F];

/** The parsed, frozen value of a command: what `execute` receives as `input`. */
export type CommandValue<F extends Record<string, CommandFieldDecl>> = Simplify<
  { readonly [K in Exclude<keyof F, OptionalKeys<F>>]: FieldValue<F[K]> } & {
    readonly [K in OptionalKeys<F>]?: FieldValue<F[K]>;
  }
>;

type WireOptionalKeys<F> = {
  [K in keyof F]: F[K] extends PatchField
    ? K
    : IsOptionalSchema<F[K]> extends true
      ? K
      : HasDefault<F[K]> extends true
        ? K
        : never;
}[keyof F];

/**
 * What a client may send (camelCase keys): fields with defaults and patch fields may be left out;
 * server-owned fields (`computed`, `internal`) are not part of it.
 */
export type CommandPayload<F extends Record<string, CommandFieldDecl>> = Simplify<
  { [K in Exclude<ClientKeys<F>, WireOptionalKeys<F>>]: FieldValue<F[K]> } & {
    [K in Extract<WireOptionalKeys<F>, ClientKeys<F>>]?: FieldValue<F[K]>;
  }
>;

/** A parsed command: frozen values plus the set of fields the client actually sent. */
export type Parsed<T> = T & { readonly $fieldsSet: ReadonlySet<keyof T & string> };

/** Resolved metadata of one command field. */
export interface CommandFieldMeta {
  readonly name: string;
  readonly alias: string;
  readonly schema: TSchema;
  readonly patch: boolean;
  /** Set by the server (a compute, execute or infrastructure), never read from the client's payload. */
  readonly serverOwned?: ServerOwner;
  readonly optional: boolean;
  readonly hasDefault: boolean;
  readonly defaultValue?: unknown;
  /**
   * Wire → value conversion after validation (e.g. ISO string → Date for datetime columns). A
   * `RangeError` it throws is a 422 for the field, with the error's message.
   */
  readonly decode?: (wire: unknown) => unknown;
}

/** A command declaration. */
export interface Command<F extends Record<string, CommandFieldDecl> = Record<string, CommandFieldDecl>> {
  readonly kind: 'command';
  readonly $name: string;
  readonly $fields: readonly CommandFieldMeta[];
  readonly $fieldsByName: ReadonlyMap<string, CommandFieldMeta>;
  /** JSON Schema of the wire payload (camelCase keys, server-owned fields left out), for OpenAPI and clients. */
  readonly $schema: TObject;
  /** Phantom: the declared field map, for inference. */
  readonly $decl: F;
  /**
   * Parses a JSON payload: each declared field under its camelCase or snake_case key, unknown keys
   * ignored, defaults applied, every problem collected. Throws {@link ValidationError} (422).
   */
  parse(payload: unknown): Parsed<CommandValue<F>>;
  /** Like {@link Command.parse} but returns the problems instead of throwing. */
  safeParse(
    payload: unknown,
  ): { ok: true; value: Parsed<CommandValue<F>> } | { ok: false; errors: FieldError[] };
}

// biome-ignore lint/suspicious/noExplicitAny: the widest command type, used only as a constraint.
export type AnyCommand = Command<any>;
export type ValueOfCommand<C extends AnyCommand> = C extends Command<infer F> ? CommandValue<F> : never;
export type PayloadOfCommand<C extends AnyCommand> = C extends Command<infer F> ? CommandPayload<F> : never;

export interface CommandOptions {
  /** Name for OpenAPI components and errors. Commands bound to a `const` get it from `defineName`. */
  readonly name?: string;
  /** Per-field conversion after validation, keyed by field name; a `RangeError` thrown is a 422. */
  readonly decoders?: Readonly<Record<string, (wire: unknown) => unknown>>;
}

let anonymous = 0;

/**
 * Declares a command: an immutable, validated input. Fields are TypeBox schemas (`t.String()`), or
 * `patch(...)` for fields a client may leave out of a partial update.
 *
 * @example
 * ```ts
 * export const CreateUser = command({ fullName: t.String({ maxLength: 120 }), email: t.String() },
 *   { name: 'CreateUser' });
 * const input = CreateUser.parse({ full_name: 'Ada', email: 'ada@example.com' });
 * input.fullName;               // 'Ada'
 * input.$fieldsSet.has('email'); // true
 * ```
 */
export function command<const F extends Record<string, CommandFieldDecl>>(
  fields: F,
  options: CommandOptions = {},
): Command<F> {
  const name = options.name ?? `Command${++anonymous}`;
  const metas: CommandFieldMeta[] = Object.entries(fields).map(([fieldName, decl]) => {
    const isPatch = isPatchField(decl);
    const owner = isServerOwnedField(decl) ? decl.owner : undefined;
    const schema = isPatch || owner !== undefined ? (decl as PatchField | ServerOwnedField).schema : decl;
    const hasDefault = !isPatch && owner === undefined && 'default' in schema;
    const decode = options.decoders?.[fieldName];
    return Object.freeze({
      name: fieldName,
      alias: toSnakeCase(fieldName),
      schema,
      patch: isPatch,
      ...(owner === undefined ? {} : { serverOwned: owner }),
      optional: isPatch || owner !== undefined || Type.IsOptional(schema),
      hasDefault,
      ...(hasDefault ? { defaultValue: (schema as { default: unknown }).default } : {}),
      ...(decode ? { decode } : {}),
    });
  });

  const properties: Record<string, TSchema> = {};
  for (const m of metas) {
    if (m.serverOwned !== undefined) continue;
    properties[m.name] = m.optional || m.hasDefault ? Type.Optional(m.schema) : m.schema;
  }
  const wireSchema = Type.Object(properties, { title: name });
  // Server-owned fields are never read from a payload: a client's value is ignored like an unknown key.
  const clientFields = metas.filter((m) => m.serverOwned === undefined);
  // Validation runs on the normalized object (defaults already applied), so defaults never reach Ajv.
  const validator = compileValidator(wireSchema);
  const byName = new Map(metas.map((m) => [m.name, m]));

  function safeParse(payload: unknown) {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return { ok: false as const, errors: [{ path: '', message: 'must be a JSON object' }] };
    }
    const source = payload as Record<string, unknown>;
    const normalized: Record<string, unknown> = {};
    const set = new Set<string>();
    for (const m of clientFields) {
      let value: unknown;
      let present = false;
      if (Object.hasOwn(source, m.name)) {
        value = source[m.name];
        present = true;
      } else if (m.alias !== m.name && Object.hasOwn(source, m.alias)) {
        value = source[m.alias];
        present = true;
      }
      if (present && value !== undefined) {
        normalized[m.name] = value;
        set.add(m.name);
      } else if (m.hasDefault) {
        normalized[m.name] = structuredClone(m.defaultValue);
      }
    }
    if (!validator.check(normalized)) return { ok: false as const, errors: validator.errors(normalized) };
    const decodeErrors: FieldError[] = [];
    for (const m of clientFields) {
      if (m.decode && normalized[m.name] !== undefined && normalized[m.name] !== null) {
        // A decoder refuses what the schema let through (a leap second is RFC 3339, not a JS Date).
        try {
          normalized[m.name] = m.decode(normalized[m.name]);
        } catch (error) {
          const message = error instanceof RangeError ? error.message : 'is not a valid value';
          decodeErrors.push({ path: m.name, message });
        }
      }
    }
    if (decodeErrors.length > 0) return { ok: false as const, errors: decodeErrors };
    Object.defineProperty(normalized, '$fieldsSet', { value: set, enumerable: false });
    return { ok: true as const, value: Object.freeze(normalized) as Parsed<CommandValue<F>> };
  }

  return Object.freeze({
    kind: 'command' as const,
    $name: name,
    $fields: Object.freeze(metas),
    $fieldsByName: byName,
    $schema: wireSchema,
    $decl: fields,
    safeParse,
    parse(payload: unknown) {
      const result = safeParse(payload);
      if (!result.ok) throw new ValidationError(result.errors);
      return result.value;
    },
  });
}

/**
 * A new frozen command value with some fields replaced; replaced fields join `fieldsSet`.
 * Computes use this: the original value is never mutated.
 *
 * @example
 * ```ts
 * const next = withFields(input, { email: input.email.toLowerCase() });
 * ```
 */
export function withFields<T extends object>(value: Parsed<T>, changes: Partial<T>): Parsed<T> {
  const next: Record<string, unknown> = { ...value, ...changes };
  const set = new Set<string>(value.$fieldsSet as ReadonlySet<string>);
  for (const key of Object.keys(changes)) set.add(key);
  Object.defineProperty(next, '$fieldsSet', { value: set, enumerable: false });
  return Object.freeze(next) as Parsed<T>;
}

/** True when `value` is a command built by {@link command}. */
export function isCommand(value: unknown): value is AnyCommand {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'command';
}
