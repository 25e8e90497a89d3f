import { beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { and, type FilterNode, type FilterOperator, InvalidQuery, or, where } from '../support/internals.ts';
import { Product } from '../support/models.ts';

type ProductField = keyof typeof Product.$columns & string;

const ROWS = [
  {
    name: 'Alpha Widget',
    sku: 'A',
    category: 'tools',
    zipCode: '28001',
    stock: 0,
    price: 9.5,
    active: true,
    launchedAt: new Date('2024-01-01T00:00:00Z'),
    attributes: { color: 'red' },
  },
  {
    name: 'beta widget',
    sku: 'B',
    category: 'tools',
    zipCode: '08001',
    stock: 5,
    price: 19.9,
    active: false,
    launchedAt: null,
  },
  {
    name: 'Gamma Gadget',
    sku: 'C',
    category: null,
    zipCode: '28001',
    stock: 12,
    price: 5,
    active: true,
    launchedAt: new Date('2024-06-01T12:30:00Z'),
  },
  {
    name: 'delta gizmo',
    sku: 'D',
    category: 'toys',
    zipCode: '41001',
    stock: 5,
    price: 100,
    active: true,
    launchedAt: new Date('2023-12-31T23:59:59Z'),
  },
  {
    name: "Epsilon's",
    sku: 'E',
    category: null,
    zipCode: '00123',
    stock: 30,
    price: 0.5,
    active: false,
    launchedAt: null,
  },
];

describe.each(DIALECTS)('repository filters on %s', (dialect) => {
  const fx = useDatabase(dialect, [Product], 'all');
  beforeAll(async () => {
    for (const row of ROWS) await fx.repo(Product).create(row);
  });

  /** The skus the filter matches, in id order; the count must agree with the list. */
  async function skus(filter: FilterNode<ProductField>): Promise<string> {
    const repo = fx.repo(Product);
    const page = await repo.list({
      filter,
      sort: [{ field: 'id', direction: 'asc' }],
      pagination: { mode: 'offset', page: 1, limit: 100 },
    });
    expect(await repo.count(filter)).toBe(page.items.length);
    expect(page.totalCount).toBe(page.items.length);
    return page.items.map((p) => p.sku).join('');
  }

  it.each<[string, FilterNode<ProductField>, string]>([
    ['eq', where('stock', 'eq', 5), 'BD'],
    ['ne', where('stock', 'ne', 5), 'ACE'],
    ['gt', where('stock', 'gt', 5), 'CE'],
    ['gte', where('stock', 'gte', 5), 'BCDE'],
    ['lt', where('stock', 'lt', 5), 'A'],
    ['lte', where('stock', 'lte', 5), 'ABD'],
    ['in (array)', where('stock', 'in', [0, 30]), 'AE'],
    ['in (comma text)', where('stock', 'in', '0,30'), 'AE'],
    ['in on text', where('sku', 'in', ['E', 'A', 'Z']), 'AE'],
    ['like (case-sensitive)', where('name', 'like', '%widget'), 'B'],
    ['like prefix', where('name', 'like', 'Alpha%'), 'A'],
    ['ilike', where('name', 'ilike', '%WIDGET'), 'AB'],
    ['ilike with a quote', where('name', 'ilike', "epsilon'%"), 'E'],
    ['is_null true', where('category', 'is_null', true), 'CE'],
    ['is_null false', where('category', 'is_null', false), 'ABD'],
    ['is_null "true"', where('category', 'is_null', 'true'), 'CE'],
    ['is_null "false"', where('category', 'is_null', 'false'), 'ABD'],
    ['eq null means is null', where('category', 'eq', null), 'CE'],
    ['ne null means is not null', where('category', 'ne', null), 'ABD'],
    ['boolean', where('active', 'eq', false), 'BE'],
    ['float', where('price', 'gt', 9.5), 'BD'],
    ['datetime as Date', where('launchedAt', 'gte', new Date('2024-01-01T00:00:00Z')), 'AC'],
    ['datetime as text', where('launchedAt', 'lt', '2024-01-01T00:00:00.000Z'), 'D'],
    ['snake_case field name', where('zip_code' as ProductField, 'eq', '41001'), 'D'],
    ['a value that looks like SQL is a value', where('sku', 'eq', "A' or '1'='1"), ''],
  ])('operator %s', async (_name, filter, expected) => {
    expect(await skus(filter)).toBe(expected);
  });

  it.each<[string, FilterNode<ProductField>, string]>([
    ['int given "5"', where('stock', 'eq', '5'), 'BD'],
    ['int given " 12 "', where('stock', 'gte', ' 12 '), 'CE'],
    ['float given "9.5"', where('price', 'gt', '9.5'), 'BD'],
    ['boolean given "false"', where('active', 'eq', 'false'), 'BE'],
    ['boolean given "1"', where('active', 'eq', '1'), 'ACD'],
    ['string column given "28001" stays a string', where('zipCode', 'eq', '28001'), 'AC'],
    ['string column keeps leading zeros', where('zipCode', 'eq', '00123'), 'E'],
    ['string column given a number compares as text', where('zipCode', 'eq', 28001), 'AC'],
    ['string column ordered as text, not as number', where('zipCode', 'lt', '1'), 'BE'],
    ['in on int given texts', where('stock', 'in', ['5', '30']), 'BDE'],
  ])('values are converted by the declared type: %s', async (_name, filter, expected) => {
    expect(await skus(filter)).toBe(expected);
  });

  it('nests AND and OR groups', async () => {
    expect(
      await skus(
        and(where('category', 'eq', 'tools'), or(where('stock', 'eq', 0), where('active', 'eq', false))),
      ),
    ).toBe('AB');
    expect(
      await skus(
        or(and(where('stock', 'eq', 5), where('active', 'eq', true)), where('category', 'is_null', true)),
      ),
    ).toBe('CDE');
    expect(
      await skus(
        and(
          where('stock', 'gte', 5),
          or(where('zipCode', 'eq', '28001'), or(where('sku', 'eq', 'E'), where('price', 'eq', 100))),
        ),
      ),
    ).toBe('CDE');
    expect(await skus(and(where('stock', 'gt', 0), where('stock', 'lt', 0)))).toBe('');
    expect(await skus(and())).toBe('ABCDE');
    expect(await skus(or(where('sku', 'eq', 'A'), and()))).toBe('ABCDE');
  });

  it.each<[string, FilterNode<ProductField>]>([
    ['unknown field', where('colour' as ProductField, 'eq', 'red')],
    ['unknown operator', where('stock', 'between' as FilterOperator, '1,2')],
    ['a json field (not filterable)', where('attributes', 'eq', 'red')],
    ['a text that is not an int', where('stock', 'eq', 'abc')],
    ['a fraction for an int', where('stock', 'eq', '1.5')],
    ['an int out of range', where('stock', 'gt', '99999999999')],
    ['a text that is not a boolean', where('active', 'eq', 'yes')],
    ['a text that is not a number', where('price', 'lt', 'cheap')],
    ['a text that is not a date', where('launchedAt', 'gt', 'yesterday')],
    ['an empty in list', where('stock', 'in', [])],
    ['like on a number', where('stock', 'like', '5%')],
    ['is_null with a non-boolean', where('category', 'is_null', 'maybe')],
    [
      'an unknown field deep in a group',
      and(where('stock', 'eq', 1), or(where('nope' as ProductField, 'eq', 1))),
    ],
  ])('refuses %s with InvalidQuery', async (_name, filter) => {
    const repo = fx.repo(Product);
    await expect(
      repo.list({ filter, pagination: { mode: 'offset', page: 1, limit: 10 } }),
    ).rejects.toBeInstanceOf(InvalidQuery);
    await expect(repo.list({ filter, pagination: { mode: 'cursor', limit: 10 } })).rejects.toBeInstanceOf(
      InvalidQuery,
    );
    await expect(repo.count(filter)).rejects.toBeInstanceOf(InvalidQuery);
  });

  it('an InvalidQuery names the offending field and is a 400', async () => {
    const error = await fx
      .repo(Product)
      .count(where('colour' as ProductField, 'eq', 'red'))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidQuery);
    expect(error).toMatchObject({ status: 400, code: 'LOOM_INVALID_QUERY', parameter: 'colour' });
    expect((error as Error).message).toContain('colour');
  });
});
