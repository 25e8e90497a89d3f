import type { Static, TObject, TSchema } from 'typebox';
import Type from 'typebox';
import { type FieldError, ValidationError } from '../errors/index.ts';
import { toSnakeCase } from '../model/naming.ts';
import { compileValidator } from '../schema/validator.ts';
import {
  type CommandValueDraft,
  copyCommandValue,
  freezeCommandValue,
  newCommandValue,
  setCommandField,
} from './command-value.ts';
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

/**
 * Where a command keeps its parser into a writable value: the executor lets computes write into it
 * before freezing it, instead of copying the frozen value (docs/decisions/0064-command-values-and-computes-in-place.md).
 */
const PARSE_DRAFT: unique symbol = Symbol('loom.parseDraft');

type DraftParser = (
  payload: unknown,
) => { ok: true; value: CommandValueDraft } | { ok: false; errors: FieldError[] };

let anonymous = 0;

/** Names a command value reserves: its `$fieldsSet` getter, and the prototype accessor of every object. */
const RESERVED_FIELD_NAMES = ['$fieldsSet', '__proto__'] as const;

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
  for (const reserved of RESERVED_FIELD_NAMES) {
    if (Object.hasOwn(fields, reserved))
      throw new Error(`command ${name}: "${reserved}" cannot be a field name`);
  }
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
  const decodedFields = clientFields.filter((m) => m.decode !== undefined);
  // Defaults that are objects are copied per call (a caller may change its value); primitives need not be.
  const copiesDefault = clientFields.map(
    (m) => m.hasDefault && typeof m.defaultValue === 'object' && m.defaultValue !== null,
  );
  // Validation runs on the normalized object (defaults already applied), so defaults never reach Ajv.
  const validator = compileValidator(wireSchema);
  const byName = new Map(metas.map((m) => [m.name, m]));

  /** The payload read into a writable value (see command-value.ts), or the problems found. */
  function parseDraft(
    payload: unknown,
  ): { ok: true; value: CommandValueDraft } | { ok: false; errors: FieldError[] } {
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return { ok: false, errors: [{ path: '', message: 'must be a JSON object' }] };
    }
    const source = payload as Record<string, unknown>;
    const names: string[] = [];
    const normalized = newCommandValue(names);
    for (let i = 0; i < clientFields.length; i++) {
      const m = clientFields[i] as CommandFieldMeta;
      let value: unknown;
      if (Object.hasOwn(source, m.name)) value = source[m.name];
      else if (m.alias !== m.name && Object.hasOwn(source, m.alias)) value = source[m.alias];
      if (value !== undefined) {
        normalized[m.name] = value;
        names.push(m.name);
      } else if (m.hasDefault) {
        normalized[m.name] = copiesDefault[i] === true ? structuredClone(m.defaultValue) : m.defaultValue;
      }
    }
    if (!validator.check(normalized)) return { ok: false, errors: validator.errors(normalized) };
    if (decodedFields.length > 0) {
      const decodeErrors: FieldError[] = [];
      for (const m of decodedFields) {
        const wire = normalized[m.name];
        if (wire === undefined || wire === null || m.decode === undefined) continue;
        // A decoder refuses what the schema let through (a leap second is RFC 3339, not a JS Date).
        try {
          normalized[m.name] = m.decode(wire);
        } catch (error) {
          const message = error instanceof RangeError ? error.message : 'is not a valid value';
          decodeErrors.push({ path: m.name, message });
        }
      }
      if (decodeErrors.length > 0) return { ok: false, errors: decodeErrors };
    }
    return { ok: true, value: normalized };
  }

  function safeParse(payload: unknown) {
    const result = parseDraft(payload);
    if (!result.ok) return result;
    return { ok: true as const, value: freezeCommandValue<Parsed<CommandValue<F>>>(result.value) };
  }

  return Object.freeze({
    kind: 'command' as const,
    $name: name,
    $fields: Object.freeze(metas),
    $fieldsByName: byName,
    $schema: wireSchema,
    $decl: fields,
    [PARSE_DRAFT]: parseDraft,
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
  const next = copyCommandValue(value);
  for (const key of Object.keys(changes)) {
    if (key !== '$fieldsSet') setCommandField(next, key, (changes as Record<string, unknown>)[key]);
  }
  return freezeCommandValue<Parsed<T>>(next);
}

/**
 * Parses a payload like {@link Command.parse} but returns the value still writable (see
 * command-value.ts): the caller sets more fields with `setCommandField` and freezes it with
 * `freezeCommandValue`. Throws {@link ValidationError} (422).
 * @internal
 */
export function parseCommandDraft(cmd: AnyCommand, payload: unknown): CommandValueDraft {
  const parser = (cmd as unknown as { readonly [PARSE_DRAFT]?: DraftParser })[PARSE_DRAFT];
  if (parser === undefined) return copyCommandValue(cmd.parse(payload) as object);
  const result = parser(payload);
  if (!result.ok) throw new ValidationError(result.errors);
  return result.value;
}

/** True when `value` is a command built by {@link command}. */
export function isCommand(value: unknown): value is AnyCommand {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'command';
}
