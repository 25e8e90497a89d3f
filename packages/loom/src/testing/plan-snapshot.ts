import type { Kernel } from '../kernel/kernel.ts';
import { compilePlan, type Plan } from '../use-case/plan.ts';
import type { AnyUseCase } from '../use-case/use-case.ts';

/**
 * How a plan's call is made atomic.
 *
 * @example
 * ```ts
 * describePlan(GetUserUseCase).transaction; // 'none (read-only)'
 * ```
 */
export type PlanTransaction = 'none (read-only)' | 'none (single statement)' | 'transaction';

/**
 * A compiled use-case plan as plain, stable JSON: what a snapshot test compares.
 *
 * @example
 * ```ts
 * const snapshot: PlanSnapshot = describePlan(UpdateUserUseCase);
 * snapshot.loads.map((l) => l.name); // ['current', 'emailTaken']
 * ```
 */
export interface PlanSnapshot {
  readonly name: string;
  readonly model: string | null;
  readonly params: readonly { readonly name: string; readonly type: string; readonly optional: boolean }[];
  readonly input: { readonly command: string; readonly fields: readonly string[] } | null;
  /** In the order they run. */
  readonly loads: readonly {
    readonly name: string;
    readonly kind: 'loadById' | 'load' | 'exists';
    readonly model: string;
    /** Where the lookup value comes from: `params.userId`, `input.email`. */
    readonly from: string;
    readonly against: string;
    readonly onMissing: string;
    readonly profile?: string;
  }[];
  /** The input field each compute sets, in order, with its presence condition. */
  readonly computes: readonly { readonly field: string; readonly when?: unknown }[];
  /** The fields each rule names, in order, with its presence condition. */
  readonly rules: readonly { readonly fields: readonly string[]; readonly when?: unknown }[];
  readonly query: boolean;
  readonly transaction: PlanTransaction;
  /** The statements loom issues around `execute`, in order (those of `execute` itself are its own). */
  readonly statements: readonly string[];
}

/**
 * Describes a compiled plan — loads in order, computes, rules, whether it runs in a transaction and the
 * statements loom issues — as plain JSON, for `toMatchSnapshot()`/`toMatchInlineSnapshot()` tests that
 * catch an accidental change of behaviour (a load dropped, a rule lost, a plan leaving its transaction).
 * Pass the app's kernel to describe the plan exactly as the app runs it (custom repositories included).
 *
 * @example
 * ```ts
 * expect(describePlan(UpdateUserUseCase)).toMatchInlineSnapshot();
 * expect(describePlan(CreateOrder, app.kernel).statements).toEqual(['begin', 'select users where id = params.userId', 'execute', 'commit']);
 * ```
 */
export function describePlan(useCase: AnyUseCase | Plan, kernel?: Kernel): PlanSnapshot {
  const plan: Plan =
    'useCase' in useCase
      ? useCase
      : kernel
        ? kernel.plan(useCase)
        : compilePlan(useCase, useCase.decl.name ?? 'anonymous use case');
  const loads = plan.loads.map((step) => {
    const m = step.marker;
    const from = `${step.source.kind === 'param' ? 'params' : step.source.kind}.${step.source.name}`;
    const against = m.kind === 'loadById' ? m.model.$primaryKey.name : m.against;
    return {
      name: step.name,
      kind: m.kind,
      model: m.model.$name,
      from,
      against,
      onMissing: String(m.onMissing),
      ...(m.kind === 'exists' ? {} : { profile: m.profile }),
    };
  });
  const transaction: PlanTransaction = plan.readOnly
    ? 'none (read-only)'
    : plan.singleStatement
      ? 'none (single statement)'
      : 'transaction';
  const statements = [
    ...(transaction === 'transaction' ? ['begin'] : []),
    ...plan.loads.map((step, i) => {
      const l = loads[i] as (typeof loads)[number];
      const table = step.marker.model.$table;
      return l.kind === 'exists'
        ? `select 1 from ${table} where ${l.against} = ${l.from} limit 1`
        : `select ${table} where ${l.against} = ${l.from}`;
    }),
    'execute',
    ...(transaction === 'transaction' ? ['commit'] : []),
  ];
  return {
    name: plan.name,
    model: plan.model?.$name ?? null,
    params: plan.params.map((p) => ({ name: p.name, type: schemaType(p.schema), optional: p.optional })),
    input: plan.input ? { command: plan.input.$name, fields: plan.input.$fields.map((f) => f.name) } : null,
    loads,
    computes: plan.computes.map((c) => ({
      field: c.field,
      ...(c.presence === undefined ? {} : { when: c.presence }),
    })),
    rules: plan.rules.map((r) => ({
      fields: [...r.fields],
      ...(r.presence === undefined ? {} : { when: r.presence }),
    })),
    query: plan.query,
    transaction,
    statements,
  };
}

function schemaType(schema: object): string {
  const t = (schema as { type?: unknown }).type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.join('|');
  return 'unknown';
}
