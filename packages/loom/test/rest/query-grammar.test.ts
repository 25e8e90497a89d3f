import { describe, expect, it } from 'vitest';
import {
  and,
  BadRequest,
  DEFAULT_LIMIT,
  InvalidQuery,
  type ListPolicy,
  parseListQuery,
  where,
} from '../support/internals.ts';
import { Product } from './support/store.ts';

const offset: ListPolicy = { model: Product, mode: 'offset', allowOverride: true };
const cursor: ListPolicy = { model: Product, mode: 'cursor', allowOverride: true };
const fixed: ListPolicy = { model: Product, mode: 'offset', allowOverride: false };

function rejects(
  query: Record<string, string | string[]>,
  policy: ListPolicy,
  parameter: string,
  kind = BadRequest,
) {
  let caught: unknown;
  try {
    parseListQuery(query, policy);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(kind);
  expect(caught).toMatchObject({ status: 400, parameter });
}

describe('list query grammar → QuerySpec', () => {
  it('defaults: the route mode, page 1, limit 50, no sort, no filter', () => {
    expect(parseListQuery({}, offset)).toEqual({
      pagination: { mode: 'offset', page: 1, limit: DEFAULT_LIMIT },
    });
    expect(parseListQuery({}, cursor)).toEqual({ pagination: { mode: 'cursor', limit: 50 } });
  });

  it('§16.2-34: page=2&limit=10&price__gte=20&sort=id&direction=DESC', () => {
    expect(
      parseListQuery({ page: '2', limit: '10', price__gte: '20', sort: 'id', direction: 'DESC' }, offset),
    ).toEqual({
      pagination: { mode: 'offset', page: 2, limit: 10 },
      sort: [{ field: 'id', direction: 'desc' }],
      filter: where('price', 'gte', '20'),
    });
  });

  it('passes values on as sent (the repository converts them by declared type)', () => {
    const spec = parseListQuery({ sku: '00123', stock__in: '1,2,,3', category__is_null: 'TRUE' }, offset);
    expect(spec.filter).toEqual(
      and(
        where('sku', 'eq', '00123'),
        where('stock', 'in', ['1', '2', '3']),
        where('category', 'is_null', true),
      ),
    );
  });

  it('maps snake_case names to fields; repeated filter keys AND their conditions', () => {
    const spec = parseListQuery(
      { launched_at__gte: '2026-01-01', price__gte: ['1', '5'], sort: 'launched_at' },
      offset,
    );
    expect(spec.sort).toEqual([{ field: 'launchedAt', direction: 'asc' }]);
    expect(spec.filter).toEqual(
      and(where('launchedAt', 'gte', '2026-01-01'), where('price', 'gte', '1'), where('price', 'gte', '5')),
    );
  });

  it('multi-field sorts: comma-separated or repeated; one direction for all or one per field', () => {
    expect(parseListQuery({ sort: 'stock,price', direction: 'desc' }, offset).sort).toEqual([
      { field: 'stock', direction: 'desc' },
      { field: 'price', direction: 'desc' },
    ]);
    expect(parseListQuery({ sort: ['stock', 'price'], direction: ['desc', 'ASC'] }, offset).sort).toEqual([
      { field: 'stock', direction: 'desc' },
      { field: 'price', direction: 'asc' },
    ]);
    expect(parseListQuery({ direction: 'desc' }, offset).sort).toEqual([{ field: 'id', direction: 'desc' }]);
  });

  it('mode selection: override, implied by a cursor, fixed', () => {
    expect(parseListQuery({ pagination: 'CURSOR' }, offset).pagination).toEqual({
      mode: 'cursor',
      limit: 50,
    });
    expect(parseListQuery({ after: 'tok' }, offset).pagination).toEqual({
      mode: 'cursor',
      limit: 50,
      after: 'tok',
    });
    expect(parseListQuery({ cursor: 'tok', limit: '5' }, offset).pagination).toEqual({
      mode: 'cursor',
      limit: 5,
      after: 'tok',
    });
    expect(parseListQuery({ pagination: 'offset', page: '3' }, cursor).pagination).toEqual({
      mode: 'offset',
      page: 3,
      limit: 50,
    });
    expect(parseListQuery({ pagination: 'offset' }, fixed).pagination).toEqual({
      mode: 'offset',
      page: 1,
      limit: 50,
    });
    expect(parseListQuery({ after: '' }, offset).pagination).toEqual({ mode: 'offset', page: 1, limit: 50 });
  });

  it.each([
    [{ pagination: 'pages' }, 'pagination'],
    [{ pagination: 'cursor' }, 'pagination', fixed],
    [{ after: 'x' }, 'after', fixed],
    [{ cursor: 'x' }, 'cursor', fixed],
    [{ after: 'x', cursor: 'y' }, 'cursor'],
    [{ page: '2' }, 'page', cursor],
    [{ pagination: 'offset', after: 'x' }, 'after'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '1001' }, 'limit'],
    [{ limit: '1e2' }, 'limit'],
    [{ limit: ' 5' }, 'limit'],
    [{ page: '0' }, 'page'],
    [{ page: '1.0' }, 'page'],
    [{ page: ['1', '2'] }, 'page'],
    [{ pagination: ['offset', 'cursor'] }, 'pagination'],
    [{ direction: 'up' }, 'direction'],
    [{ sort: 'stock', direction: 'asc,desc' }, 'direction'],
  ] as const)('%j → 400 naming %s', (query, parameter, policy = offset) => {
    rejects(query as Record<string, string | string[]>, policy, parameter);
  });

  it.each([
    [{ sort: 'colour' }, 'sort'],
    [{ sort: 'notes' }, 'sort'],
    [{ sort: 'price,,stock' }, 'sort'],
    [{ sort: 'price,price' }, 'sort'],
    [{ colour: 'red' }, 'colour'],
    [{ price__approx: '1' }, 'price__approx'],
    [{ __gt: '1' }, '__gt'],
    [{ owner__name: 'x' }, 'owner__name'],
    [{ notes: 'x' }, 'notes'],
    [{ stock: 'many' }, 'stock'],
    [{ stock__in: ',,' }, 'stock__in'],
    [{ price__like: '1%' }, 'price__like'],
    [{ active__is_null: 'yes' }, 'active__is_null'],
    [{ launchedAt: 'not a date' }, 'launchedAt'],
    [{ 'stock[gt]': '1' }, 'stock[gt]'],
  ] as const)('%j → 400 invalid query naming %s', (query, parameter) => {
    rejects(query as Record<string, string>, offset, parameter, InvalidQuery);
  });

  it('skips declared params of the use case: they are not filters', () => {
    expect(parseListQuery({ threshold: '3' }, offset, new Set(['threshold']))).toEqual({
      pagination: { mode: 'offset', page: 1, limit: 50 },
    });
  });
});
