import type { DialectName } from '../db/dialect.ts';
import { type FieldError, ValidationError } from '../errors/index.ts';
import type { ColumnKind } from '../model/column.ts';
import type { AnyModel, FieldMeta } from '../model/model.ts';
import { storageProblem } from '../model/storage-limits.ts';

/** Converts between entity objects (camelCase, TS values) and rows (snake_case, driver values). */
export interface RowCodec {
  /** A driver row → an entity. */
  decode(row: Record<string, unknown>): Record<string, unknown>;
  /** One entity value → the value to bind for its column. */
  encodeValue(field: FieldMeta, value: unknown): unknown;
  /**
   * A partial entity → a row with only the given keys. A value its column cannot store (out of range,
   * too long, NUL, …) is a {@link ValidationError} naming every such field, on both dialects.
   */
  encode(values: Record<string, unknown>): Record<string, unknown>;
}

type Decoder = (v: unknown) => unknown;

function decoderFor(kind: ColumnKind, dialect: DialectName, scale: number | undefined): Decoder | null {
  if (dialect === 'postgres') {
    // pg already yields Date for timestamptz, objects for jsonb, numbers for int8 (see openDatabase).
    return null;
  }
  switch (kind) {
    case 'boolean':
      return (v) => (v === null ? null : v === 1 || v === true);
    case 'datetime':
      return (v) => (v === null ? null : new Date(v as string));
    case 'json':
      return (v) => (v === null || typeof v !== 'string' ? v : JSON.parse(v));
    case 'decimal':
      return (v) => (v === null ? null : typeof v === 'number' ? v.toFixed(scale ?? 2) : String(v));
    default:
      return null;
  }
}

function encoderFor(kind: ColumnKind, dialect: DialectName): Decoder | null {
  if (kind === 'json') return (v) => (v === null ? null : JSON.stringify(v));
  // pg writes a Date itself (its own formatting measured faster than `toISOString`, and it spells years
  // outside 1–9999 the way PostgreSQL reads them).
  if (dialect === 'postgres') return null;
  switch (kind) {
    case 'boolean':
      return (v) => (v === null ? null : v ? 1 : 0);
    case 'datetime':
      return (v) => (v instanceof Date ? v.toISOString() : v);
    default:
      return null;
  }
}

/**
 * The row → entity function of a model: one object literal with the fields in declaration order, built
 * from generated code. Decoding is per row (a page of 25 is 25 decodes), and a literal makes every
 * entity in one allocation with one shape, where assigning the fields one by one under computed names
 * goes through V8's keyed-store path once per field. Names and columns enter the code only as JSON
 * string literals; a missing column reads as null.
 */
function compileDecode(
  fields: readonly FieldMeta[],
  decoders: readonly (Decoder | null)[],
): (row: Record<string, unknown>) => Record<string, unknown> {
  const reads = fields.map((f, i) => `const v${i} = row[${JSON.stringify(f.column)}];`);
  const props = fields.map((f, i) => {
    const value = decoders[i] ? `decoders[${i}](v${i})` : `v${i}`;
    // A computed key: a plain `"__proto__": v` in a literal would set the prototype, not a field.
    const key = f.name === '__proto__' ? `[${JSON.stringify(f.name)}]` : JSON.stringify(f.name);
    return `${key}: v${i} === undefined ? null : ${value}`;
  });
  const source = `return function decode(row) {\n${reads.join('\n')}\nreturn {\n${props.join(',\n')}\n};\n};`;
  return new Function('decoders', source)(decoders) as (
    row: Record<string, unknown>,
  ) => Record<string, unknown>;
}

/**
 * Builds the codec of a model on a dialect once (at boot): no per-row reflection.
 *
 * @example
 * ```ts
 * const codec = rowCodecOf(User, 'sqlite');
 * codec.decode({ id: 1, full_name: 'Ada', created_at: '2026-01-01T00:00:00.000Z' });
 * ```
 */
export function rowCodecOf(model: AnyModel, dialect: DialectName): RowCodec {
  const fields = model.$fields;
  const decoders = fields.map((f) => decoderFor(f.def.kind, dialect, f.def.scale));
  const encoders = new Map(fields.map((f) => [f.name, encoderFor(f.def.kind, dialect)]));
  const byName = model.$fieldsByName;
  return {
    decode: compileDecode(fields, decoders),
    encodeValue(field, value) {
      const enc = encoders.get(field.name);
      return enc && value !== undefined ? enc(value) : value;
    },
    encode(values) {
      const out: Record<string, unknown> = {};
      let problems: FieldError[] | undefined;
      for (const key of Object.keys(values)) {
        const f = byName.get(key);
        if (!f) continue;
        const v = values[key];
        if (v === undefined) continue;
        const problem = storageProblem(f.def, v);
        if (problem !== undefined) {
          problems ??= [];
          problems.push({ path: key, message: problem });
        }
        const enc = encoders.get(key);
        out[f.column] = enc ? enc(v) : v;
      }
      if (problems) throw new ValidationError(problems);
      return out;
    },
  };
}

// Codecs built once per model and dialect (a memo keyed by the model object, not a registry).
const codecs = new WeakMap<AnyModel, Map<DialectName, RowCodec>>();

/**
 * The codec of a model on a dialect, built on first use and shared (related models, filters).
 *
 * @example
 * ```ts
 * codecOf(BenchNote, 'postgres').decode(row);
 * ```
 */
export function codecOf(model: AnyModel, dialect: DialectName): RowCodec {
  let byDialect = codecs.get(model);
  if (!byDialect) {
    byDialect = new Map();
    codecs.set(model, byDialect);
  }
  let codec = byDialect.get(dialect);
  if (!codec) {
    codec = rowCodecOf(model, dialect);
    byDialect.set(dialect, codec);
  }
  return codec;
}
