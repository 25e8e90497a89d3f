import type { TSchema } from 'typebox';
import Type from 'typebox';
import { decimalPattern, integerRange } from './storage-limits.ts';

/** The storage kinds a column can have. Each maps to one SQL type per dialect and one wire type. */
export type ColumnKind =
  | 'int'
  | 'bigint'
  | 'string'
  | 'text'
  | 'boolean'
  | 'float'
  | 'decimal'
  | 'datetime'
  | 'date'
  | 'json'
  | 'uuid';

export type OnDelete = 'cascade' | 'restrict' | 'set null' | 'no action';

/** A reference to one column of one model, as `User.id` gives it. */
export interface ColumnRef {
  readonly kind: 'column-ref';
  /** The referenced model's table. */
  readonly table: string;
  /** The TS field name. */
  readonly field: string;
  /** The SQL column name. */
  readonly column: string;
}

/** Runtime description of a column: what the schema compiler and the repository read. */
export interface ColumnDef {
  readonly kind: ColumnKind;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly autoIncrement: boolean;
  readonly unique: boolean;
  readonly index: boolean;
  /** A constant default applied by the framework and declared in DDL, or the database's `now`. */
  readonly default?: { readonly value: unknown } | { readonly now: true };
  readonly references?: { readonly target: () => ColumnRef; readonly onDelete: OnDelete };
  /** Set by the framework, never by clients (timestamps, the optimistic-concurrency version). */
  readonly managed?: 'createdAt' | 'updatedAt' | 'version';
  /** May appear in `field__op=` filters and `sort=`. Default: true. */
  readonly filterable: boolean;
  readonly description?: string;
}

/** The type-level state a column builder carries. */
export interface ColumnState {
  readonly type: unknown;
  readonly nullable: boolean;
  /** The client may omit it on create (default, nullable, auto-increment or managed). */
  readonly optionalOnCreate: boolean;
  /** Never written by clients (auto-increment primary key, timestamps). */
  readonly generated: boolean;
}

type With<S extends ColumnState, P extends Partial<ColumnState>> = Omit<S, keyof P> & P;

/**
 * An immutable column declaration. Every modifier returns a new column.
 *
 * @example
 * ```ts
 * const email = column.string(255).unique().index();
 * const userId = column.int().references(() => User.id, { onDelete: 'cascade' });
 * ```
 */
export class Column<S extends ColumnState = ColumnState> {
  /** Phantom: the state type, for inference only. */
  declare readonly $state: S;
  readonly def: ColumnDef;
  constructor(def: ColumnDef) {
    this.def = def;
  }

  private with(patch: Partial<ColumnDef>): ColumnDef {
    return Object.freeze({ ...this.def, ...patch });
  }

  /** The table's primary key (its type is what `app.entity(M).get(id)` takes). */
  primaryKey(): Column<S & { readonly primaryKey: true }> {
    return new Column(this.with({ primaryKey: true }));
  }

  /** The database assigns the value (serial / autoincrement). Clients never send it. */
  autoIncrement(): Column<With<S, { generated: true; optionalOnCreate: true }>> {
    return new Column(this.with({ autoIncrement: true }));
  }

  /** A unique constraint named `uq_<table>_<column>`. */
  unique(): Column<S> {
    return new Column(this.with({ unique: true }));
  }

  /** An index named `ix_<table>_<column>`. */
  index(): Column<S> {
    return new Column(this.with({ index: true }));
  }

  /** The column accepts NULL; its TS type gains `| null` and it may be omitted on create. */
  nullable(): Column<With<S, { nullable: true; optionalOnCreate: true }>> {
    return new Column(this.with({ nullable: true }));
  }

  /** A constant default, used when a create omits the field. */
  default(value: S['type']): Column<With<S, { optionalOnCreate: true }>> {
    return new Column(this.with({ default: { value } }));
  }

  /** Exclude from the query grammar's filters and sorts. */
  notFilterable(): Column<S> {
    return new Column(this.with({ filterable: false }));
  }

  /** Documentation for OpenAPI. */
  describe(description: string): Column<S> {
    return new Column(this.with({ description }));
  }

  /**
   * A foreign key to another model's column, named `fk_<table>_<column>`.
   *
   * @example
   * ```ts
   * column.int().references(() => User.id, { onDelete: 'cascade' })
   * ```
   */
  references(target: () => ColumnRef, options: { onDelete?: OnDelete } = {}): Column<S> {
    return new Column(this.with({ references: { target, onDelete: options.onDelete ?? 'no action' } }));
  }
}

/** A datetime column can default to the database's current time. */
export class DateTimeColumn<S extends ColumnState = ColumnState> extends Column<S> {
  /** Defaults to the current time when a create omits it. */
  defaultNow(): Column<With<S, { optionalOnCreate: true }>> {
    return new Column(Object.freeze({ ...this.def, default: { now: true } as const }));
  }
}

// `kind` (beyond ColumnState) tells the storage kind to the types: it decides which atomic changes
// (increment, append) a column takes.
type Base<T, K extends ColumnKind> = {
  type: T;
  kind: K;
  nullable: false;
  optionalOnCreate: false;
  generated: false;
};

function def(kind: ColumnKind, extra: Partial<ColumnDef> = {}): ColumnDef {
  return Object.freeze({
    kind,
    nullable: false,
    primaryKey: false,
    autoIncrement: false,
    unique: false,
    index: false,
    filterable: kind !== 'json',
    ...extra,
  });
}

/**
 * Column builders. Field names are camelCase in TS and on the wire; the SQL column is their snake_case.
 *
 * @example
 * ```ts
 * const Product = model('products', {
 *   id: column.int().primaryKey().autoIncrement(),
 *   sku: column.string(64).unique(),
 *   priceCents: column.int(),
 *   price: column.decimal(10, 2),          // a string on the wire: "19.90"
 *   launchedAt: column.datetime().nullable(),
 * });
 * ```
 */
export const column = {
  /** 32-bit integer. */
  int: () => new Column<Base<number, 'int'>>(def('int')),
  /** 64-bit integer, read as a JS number: the wire accepts ±(2^53 − 1), the exact range of a number. */
  bigint: () => new Column<Base<number, 'bigint'>>(def('bigint')),
  /** VARCHAR(length); the length (in characters) is enforced on input, on both dialects. */
  string: (length = 255) => new Column<Base<string, 'string'>>(def('string', { length })),
  /** Unbounded text. */
  text: () => new Column<Base<string, 'text'>>(def('text')),
  boolean: () => new Column<Base<boolean, 'boolean'>>(def('boolean')),
  /** Double precision. */
  float: () => new Column<Base<number, 'float'>>(def('float')),
  /** Exact decimal, carried as a string so no precision is lost. */
  decimal: (precision = 12, scale = 2) =>
    new Column<Base<string, 'decimal'>>(def('decimal', { precision, scale })),
  /** Timezone-aware timestamp; a `Date` in TS, an ISO-8601 string on the wire. */
  datetime: () => new DateTimeColumn<Base<Date, 'datetime'>>(def('datetime')),
  /** Calendar date, `YYYY-MM-DD`. */
  date: () => new Column<Base<string, 'date'>>(def('date')),
  /** Any JSON value; type it with a parameter: `column.json<{ tags: string[] }>()`. */
  json: <T = unknown>() => new Column<Base<T, 'json'>>(def('json')),
  uuid: () => new Column<Base<string, 'uuid'>>(def('uuid')),
};

export type AnyColumn = Column<ColumnState>;

/** The JSON Schema (TypeBox) of a column's wire value, without nullability. */
export function columnValueSchema(d: ColumnDef): TSchema {
  const description = d.description === undefined ? {} : { description: d.description };
  switch (d.kind) {
    case 'int':
    case 'bigint':
      // The column's range travels with the schema: a value the database would refuse is a 422/400.
      return Type.Integer({ ...integerRange(d), ...description });
    case 'float':
      return Type.Number(description);
    case 'string':
      return Type.String({ maxLength: d.length ?? 255, ...description });
    case 'text':
      return Type.String(description);
    case 'boolean':
      return Type.Boolean(description);
    case 'decimal':
      return Type.String({ pattern: decimalPattern(d.precision ?? 12, d.scale ?? 2), ...description });
    case 'datetime':
      return Type.String({ format: 'date-time', ...description });
    case 'date':
      return Type.String({ format: 'date', ...description });
    case 'uuid':
      return Type.String({ format: 'uuid', ...description });
    case 'json':
      return Type.Unknown(description);
  }
}
