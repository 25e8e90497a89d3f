import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { and, column, type FilterNode, model, or, type SortSpec, where } from '../support/internals.ts';

/**
 * Few distinct values per column, NULLs in the nullable ones: many ties for the keyset to get
 * right. Labels are lowercase so byte order and the database collation agree.
 */
const Row = model('walk_rows', {
  id: column.int().primaryKey().autoIncrement(),
  grp: column.int(),
  label: column.string(8).nullable(),
  flag: column.boolean(),
  at: column.datetime().nullable(),
  amount: column.decimal(6, 2),
});
type RowField = keyof typeof Row.$columns & string;

const DATES = [
  new Date('2024-01-01T00:00:00.000Z'),
  new Date('2024-01-01T00:00:00.001Z'),
  new Date('2023-06-30T12:00:00.000Z'),
];

const rowArb = fc.record({
  grp: fc.integer({ min: 0, max: 3 }),
  label: fc.constantFrom('a', 'ab', 'b', 'ba', null),
  flag: fc.boolean(),
  at: fc.constantFrom(...DATES, null),
  amount: fc.constantFrom('1.00', '2.50', '-3.00', '10.00'),
});

const SORTABLE: RowField[] = ['grp', 'label', 'flag', 'at', 'amount', 'id'];
const sortArb: fc.Arbitrary<SortSpec<RowField>[]> = fc
  .shuffledSubarray(SORTABLE, { minLength: 0, maxLength: 4 })
  .chain((fields) =>
    fc.tuple(
      ...fields.map((field) =>
        fc.constantFrom('asc', 'desc').map((direction) => ({ field, direction }) as const),
      ),
    ),
  );

const conditionArb: fc.Arbitrary<FilterNode<RowField>> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((n) => where('grp', 'gte', n)),
  fc.integer({ min: 0, max: 3 }).map((n) => where('grp', 'ne', String(n))),
  fc.boolean().map((b) => where('label', 'is_null', b)),
  fc.constantFrom('a', 'b').map((s) => where('label', 'ilike', `${s}%`)),
  fc.boolean().map((b) => where('flag', 'eq', b)),
  fc.constantFrom(...DATES).map((d) => where('at', 'lte', d)),
  fc.constantFrom('1.00', '2.5').map((v) => where('amount', 'gt', v)),
);
const filterArb: fc.Arbitrary<FilterNode<RowField> | undefined> = fc.option(
  fc.oneof(
    conditionArb,
    fc.array(conditionArb, { minLength: 1, maxLength: 3 }).map((items) => and(...items)),
    fc.array(conditionArb, { minLength: 1, maxLength: 3 }).map((items) => or(...items)),
  ),
  { nil: undefined },
);

/** JS comparison of the documented order: NULL smallest, then the key in the first field's direction. */
function compare(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  sort: readonly SortSpec<RowField>[],
): number {
  const keys = sort.some((s) => s.field === 'id')
    ? sort
    : [...sort, { field: 'id' as const, direction: sort[0]?.direction ?? 'asc' }];
  for (const { field, direction } of keys) {
    const x = norm(a[field]);
    const y = norm(b[field]);
    if (x === y) continue;
    const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : 1;
    return direction === 'asc' ? c : -c;
  }
  return 0;
}
function norm(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && /^-?\d+\.\d+$/.test(v)) return Number(v);
  return v as string | number;
}

describe.each(DIALECTS)('cursor pagination property on %s', (dialect) => {
  const fx = useDatabase(dialect, [Row], 'all');

  it('walking the cursor pages visits every matching row once, in the order of one unpaginated query', async () => {
    const repo = fx.repo(Row);
    await fc.assert(
      fc.asyncProperty(
        fc.array(rowArb, { minLength: 8, maxLength: 60, size: 'max' }),
        sortArb,
        filterArb,
        fc.integer({ min: 1, max: 9 }),
        async (rows, sort, filter, limit) => {
          await fx.db.kysely.deleteFrom('walk_rows').execute();
          await fx.db.transaction(async () => {
            for (const row of rows) await repo.create(row);
          });
          const base = { sort, ...(filter ? { filter } : {}) };
          const whole = await repo.list({ ...base, pagination: { mode: 'cursor', limit: 1000 } });
          expect(whole.hasNext).toBe(false);
          expect(whole.nextCursor).toBeNull();
          expect(whole.items.length).toBe(await repo.count(filter));
          for (let i = 1; i < whole.items.length; i++) {
            expect(compare(whole.items[i - 1]!, whole.items[i]!, sort)).toBeLessThan(0);
          }

          const walked: number[] = [];
          let after: string | undefined;
          for (let pages = 0; pages <= rows.length + 1; pages++) {
            const page = await repo.list({
              ...base,
              pagination: { mode: 'cursor', limit, ...(after ? { after } : {}) },
            });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            walked.push(...page.items.map((r) => r.id));
            expect(page.hasNext).toBe(page.nextCursor !== null);
            if (page.nextCursor === null) break;
            expect(page.items.length).toBe(limit);
            after = page.nextCursor;
          }
          expect(new Set(walked).size).toBe(walked.length);
          expect(walked).toEqual(whole.items.map((r) => r.id));
        },
      ),
      { numRuns: 35 },
    );
  });
});
