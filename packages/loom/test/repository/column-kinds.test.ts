import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { type CreateInput, column, model } from '../support/internals.ts';

/** One column of every kind, the same kinds nullable, and the same kinds with defaults. */
const Sample = model('samples', {
  id: column.uuid().primaryKey(),
  count: column.int(),
  big: column.bigint(),
  label: column.string(40),
  body: column.text(),
  flag: column.boolean(),
  ratio: column.float(),
  amount: column.decimal(10, 2),
  happenedAt: column.datetime(),
  day: column.date(),
  data: column.json<{ tags: string[]; nested: { n: number } }>(),
  ref: column.uuid(),
  maybeCount: column.int().nullable(),
  maybeBig: column.bigint().nullable(),
  maybeLabel: column.string(40).nullable(),
  maybeBody: column.text().nullable(),
  maybeFlag: column.boolean().nullable(),
  maybeRatio: column.float().nullable(),
  maybeAmount: column.decimal(10, 2).nullable(),
  maybeHappenedAt: column.datetime().nullable(),
  maybeDay: column.date().nullable(),
  maybeData: column.json<string[]>().nullable(),
  maybeRef: column.uuid().nullable(),
  status: column.string(20).default('new'),
  quantity: column.int().default(1),
  enabled: column.boolean().default(false),
  visible: column.boolean().default(true),
  weight: column.float().default(1.5),
  fee: column.decimal(8, 2).default('0.00'),
  since: column.date().default('2020-01-01'),
  settings: column.json<{ theme: string }>().default({ theme: 'dark' }),
  seenAt: column.datetime().defaultNow(),
});

const REQUIRED = {
  count: -2147483648,
  big: 9007199254740991,
  label: 'Ünïcødé ✓ "quoted" \'single\'',
  body: 'line 1\nline 2\t'.repeat(200),
  flag: true,
  ratio: 0.1 + 0.2,
  amount: '12345678.90',
  happenedAt: new Date('2024-02-29T23:59:58.123Z'),
  day: '2024-02-29',
  data: { tags: ['a', 'b'], nested: { n: 1.5 } },
  ref: '123e4567-e89b-12d3-a456-426614174000',
} satisfies Partial<CreateInput<typeof Sample>>;

const NULLS = {
  maybeCount: null,
  maybeBig: null,
  maybeLabel: null,
  maybeBody: null,
  maybeFlag: null,
  maybeRatio: null,
  maybeAmount: null,
  maybeHappenedAt: null,
  maybeDay: null,
  maybeData: null,
  maybeRef: null,
};

describe.each(DIALECTS)('column kinds on %s', (dialect) => {
  const fx = useDatabase(dialect, [Sample]);
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

  it('every kind round-trips with its TS type; omitted nullables are null and defaults apply', async () => {
    const samples = fx.repo(Sample);
    const id = newId();
    const before = Date.now();
    const created = await samples.create({ id, ...REQUIRED });
    const expected = {
      id,
      ...REQUIRED,
      ...NULLS,
      status: 'new',
      quantity: 1,
      enabled: false,
      visible: true,
      weight: 1.5,
      fee: '0.00',
      since: '2020-01-01',
      settings: { theme: 'dark' },
      seenAt: expect.any(Date),
    };
    expect(created).toEqual(expected);
    expect(await samples.getById(id)).toEqual(created);
    expect(Math.abs(created.seenAt.getTime() - before)).toBeLessThan(60_000);
    expect(typeof created.big).toBe('number');
    expect(typeof created.amount).toBe('string');
    expect(created.happenedAt).toBeInstanceOf(Date);
    expect(created.happenedAt.toISOString()).toBe('2024-02-29T23:59:58.123Z');
    expect(created.ratio).toBe(0.1 + 0.2);
  });

  it('explicit values replace defaults and nullable columns keep values', async () => {
    const samples = fx.repo(Sample);
    const id = newId();
    const values = {
      maybeCount: 2147483647,
      maybeBig: -9007199254740991,
      maybeLabel: '',
      maybeBody: 'x',
      maybeFlag: false,
      maybeRatio: -1e-9,
      maybeAmount: '-0.50',
      maybeHappenedAt: new Date('1999-12-31T23:59:59.999Z'),
      maybeDay: '1999-12-31',
      maybeData: ['x', 'y'],
      maybeRef: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
      status: 'old',
      quantity: 0,
      enabled: true,
      visible: false,
      weight: 0,
      fee: '9.99',
      since: '2000-02-02',
      settings: { theme: 'light' },
      seenAt: new Date('2001-01-01T00:00:00.000Z'),
    };
    const created = await samples.create({ id, ...REQUIRED, ...values });
    expect(created).toEqual({ id, ...REQUIRED, ...values });
    expect(await samples.getById(id)).toEqual(created);
  });

  it('decimals keep their scale as strings', async () => {
    const samples = fx.repo(Sample);
    const id = newId();
    const created = await samples.create({ id, ...REQUIRED, amount: '19.9', maybeAmount: '7' });
    expect(created.amount).toBe('19.90');
    expect(created.maybeAmount).toBe('7.00');
  });

  it('update writes every kind and sets nullables back to null', async () => {
    const samples = fx.repo(Sample);
    const id = newId();
    await samples.create({ id, ...REQUIRED, maybeDay: '2024-01-01', maybeData: ['a'], maybeFlag: true });
    const patch = {
      count: 7,
      big: 1,
      label: 'new',
      body: '',
      flag: false,
      ratio: 2.5,
      amount: '1.25',
      happenedAt: new Date('2030-01-01T00:00:00.001Z'),
      day: '2030-01-01',
      data: { tags: [], nested: { n: 0 } },
      ...NULLS,
      settings: { theme: 'x' },
    };
    const updated = await samples.update(id, patch);
    expect(updated).toMatchObject(patch);
    expect(await samples.getById(id)).toEqual(updated);
  });

  it('date-times round-trip and filter across the storable range: ISO years and beyond, and BC', async () => {
    const samples = fx.repo(Sample);
    const instant = (year: number, iso: string) => {
      const date = new Date(iso);
      date.setUTCFullYear(year);
      return date;
    };
    // Years 1–9999 have a four-digit ISO spelling; the others (10000 on, 1 BC and before) do not.
    const instants = [
      new Date('0001-01-01T00:00:00.000Z'),
      new Date('1969-12-31T23:59:59.999Z'),
      new Date('9999-12-31T23:59:59.999Z'),
      instant(10_000, '2000-01-01T00:00:00.000Z'),
      instant(275_759, '2000-06-15T12:30:45.678Z'),
      instant(0, '2000-03-01T00:00:00.000Z'),
      instant(-4712, '2000-01-01T00:00:00.001Z'),
    ];
    for (const happenedAt of instants) {
      const created = await samples.create({
        id: newId(),
        ...REQUIRED,
        happenedAt,
        maybeHappenedAt: happenedAt,
      });
      expect(created.happenedAt.getTime()).toBe(happenedAt.getTime());
      const read = await samples.getById(created.id);
      expect(read?.happenedAt.getTime()).toBe(happenedAt.getTime());
      expect(read?.maybeHappenedAt?.getTime()).toBe(happenedAt.getTime());
      const found = await samples.list({
        filter: { kind: 'condition', field: 'happenedAt', op: 'eq', value: happenedAt },
        pagination: { mode: 'offset', page: 1, limit: 10 },
      });
      expect(found.items.map((s) => s.id)).toEqual([created.id]);
      const epochEve = new Date('1969-12-31T23:59:59.999Z');
      const updated = await samples.update(created.id, { maybeHappenedAt: epochEve });
      expect(updated?.maybeHappenedAt?.getTime()).toBe(epochEve.getTime());
    }
  });

  it('every filterable kind can be filtered and sorted by its typed value', async () => {
    const samples = fx.repo(Sample);
    const a = await samples.create({ id: newId(), ...REQUIRED });
    const b = await samples.create({
      id: newId(),
      ...REQUIRED,
      count: 5,
      big: 2,
      amount: '3.50',
      happenedAt: new Date('2025-01-01T00:00:00.000Z'),
      day: '2025-01-01',
      flag: false,
      ref: 'ffffffff-0000-4000-8000-000000000000',
    });
    const only = async (field: keyof typeof Sample.$columns & string, value: unknown) =>
      (
        await samples.list({
          filter: { kind: 'condition', field, op: 'eq', value },
          pagination: { mode: 'offset', page: 1, limit: 10 },
        })
      ).items.map((s) => s.id);
    expect(await only('count', 5)).toEqual([b.id]);
    expect(await only('big', '2')).toEqual([b.id]);
    expect(await only('amount', '3.5')).toEqual([b.id]);
    expect(await only('happenedAt', '2025-01-01T00:00:00Z')).toEqual([b.id]);
    expect(await only('day', '2025-01-01')).toEqual([b.id]);
    expect(await only('flag', 'false')).toEqual([b.id]);
    expect(await only('ref', b.ref)).toEqual([b.id]);
    expect(await only('label', REQUIRED.label)).toEqual([a.id, b.id].sort());
    const byDate = await samples.list({
      sort: [{ field: 'happenedAt', direction: 'desc' }],
      pagination: { mode: 'cursor', limit: 1 },
    });
    expect(byDate.items.map((s) => s.id)).toEqual([b.id]);
    const next = await samples.list({
      sort: [{ field: 'happenedAt', direction: 'desc' }],
      pagination: { mode: 'cursor', limit: 1, after: byDate.nextCursor! },
    });
    expect(next.items.map((s) => s.id)).toEqual([a.id]);
  });
});
