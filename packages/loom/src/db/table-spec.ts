import type { ColumnKind, OnDelete } from '../model/column.ts';
import type { AnyModel } from '../model/model.ts';

/**
 * A plain-JSON description of one table: what the schema compiler emits from a model, what migrations
 * store and diff. Constraint names are deterministic: `pk_<table>`, `uq_<table>_<column>`,
 * `fk_<table>_<column>`, `ix_<table>_<column>`.
 */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly indexes: readonly IndexSpec[];
}

export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  readonly autoIncrement: boolean;
  readonly unique: boolean;
  readonly default?: { readonly value: unknown } | { readonly now: true };
  readonly references?: { readonly table: string; readonly column: string; readonly onDelete: OnDelete };
}

export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  /** A unique index (composite uniqueness); absent for a plain index. */
  readonly unique?: true;
}

/**
 * The table spec of a model.
 *
 * @example
 * ```ts
 * tableSpecOf(User).columns.map((c) => c.name); // ['id', 'full_name', 'email', 'created_at', 'updated_at']
 * ```
 */
export function tableSpecOf(model: AnyModel): TableSpec {
  const columns: ColumnSpec[] = model.$fields.map((f) => {
    const d = f.def;
    const target = d.references?.target();
    return {
      name: f.column,
      kind: d.kind,
      ...(d.length === undefined ? {} : { length: d.length }),
      ...(d.precision === undefined ? {} : { precision: d.precision }),
      ...(d.scale === undefined ? {} : { scale: d.scale }),
      nullable: d.nullable,
      primaryKey: d.primaryKey,
      autoIncrement: d.autoIncrement,
      unique: d.unique,
      ...(d.default === undefined ? {} : { default: d.default }),
      ...(d.references && target
        ? { references: { table: target.table, column: target.column, onDelete: d.references.onDelete } }
        : {}),
    };
  });
  const indexes: IndexSpec[] = model.$fields
    .filter((f) => f.def.index && !f.def.unique && !f.def.primaryKey)
    .map((f): IndexSpec => ({ name: `ix_${model.$table}_${f.column}`, columns: [f.column] }));
  for (const index of model.$indexes) {
    const cols = index.fields.map((f) => model.$fieldsByName.get(f)!.column);
    const name = `${index.unique ? 'uq' : 'ix'}_${model.$table}_${cols.join('_')}`;
    indexes.push(index.unique ? { name, columns: cols, unique: true } : { name, columns: cols });
  }
  return { name: model.$table, columns, indexes };
}

/**
 * Orders tables so every table comes after the tables it references. A reference cycle is an error.
 */
export function sortByDependencies(specs: readonly TableSpec[]): TableSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const done = new Set<string>();
  const visiting: string[] = [];
  const out: TableSpec[] = [];
  const visit = (spec: TableSpec) => {
    if (done.has(spec.name)) return;
    if (visiting.includes(spec.name)) {
      throw new Error(`foreign-key cycle between tables: ${[...visiting, spec.name].join(' → ')}`);
    }
    visiting.push(spec.name);
    for (const c of spec.columns) {
      const dep = c.references ? byName.get(c.references.table) : undefined;
      if (dep && dep !== spec) visit(dep);
    }
    visiting.pop();
    done.add(spec.name);
    out.push(spec);
  };
  for (const s of specs) visit(s);
  return out;
}
