import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { expectProblem } from './support/expect-problem.ts';
import { productPayload as product, startServer, type TestServer } from './support/server.ts';

/** DESIGN.md §6, the list rows (offset, cursor, sort, filters), with good and bad inputs, through a real listening server. */
describe.each(DIALECTS)('wire contract, lists (DESIGN §6) on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(() => s.close());

  describe('list, offset', () => {
    it('pages with { items, totalCount, page, limit, hasNext }', async () => {
      for (const n of [1, 2, 3])
        await s.req('POST', '/products', { json: product(`OFF-${n}`, { category: 'offset-row' }) });
      const res = await s.req(
        'GET',
        '/products?pagination=offset&page=2&limit=2&category=offset-row&sort=sku',
      );
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['items', 'totalCount', 'page', 'limit', 'hasNext']);
      expect(res.body).toMatchObject({ totalCount: 3, page: 2, limit: 2, hasNext: false });
      expect(res.body.items.map((p: { sku: string }) => p.sku)).toEqual(['OFF-3']);
      const users = await s.req('GET', '/users');
      expect(users.body.limit).toBe(50);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=-5', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=2.5', 'limit'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=x', 'page'],
      ['page=99999999999999999999', 'page'],
      ['limit=1&limit=2', 'limit'],
    ])('?%s → 400 naming %s', async (query, parameter) => {
      const body = expectProblem(await s.req('GET', `/users?${query}`), 400, 'LOOM_BAD_REQUEST');
      expect(body.parameter).toBe(parameter);
    });

    it('accepts the bounds limit=1 and limit=1000', async () => {
      expect((await s.req('GET', '/users?limit=1')).body.limit).toBe(1);
      expect((await s.req('GET', '/users?limit=1000')).body.limit).toBe(1000);
    });
  });

  describe('list, cursor', () => {
    it('pages with { items, nextCursor, hasNext } and rejects a bad token with 400', async () => {
      for (const n of [1, 2, 3])
        await s.req('POST', '/products', { json: product(`CUR-${n}`, { category: 'cursor-row' }) });
      const first = await s.req('GET', '/products?category=cursor-row&limit=2');
      expect(Object.keys(first.body)).toEqual(['items', 'nextCursor', 'hasNext']);
      expect(first.body.hasNext).toBe(true);
      const second = await s.req(
        'GET',
        `/products?category=cursor-row&limit=2&after=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.body).toMatchObject({ hasNext: false, nextCursor: null });
      expect(second.body.items.map((p: { sku: string }) => p.sku)).toEqual(['CUR-3']);
      const bad = expectProblem(
        await s.req('GET', '/products?after=not-a-token'),
        400,
        'LOOM_INVALID_CURSOR',
      );
      expect(bad.parameter).toBe('after');
    });
  });

  describe('sort', () => {
    it('sorts by camelCase or snake_case names, direction in any case', async () => {
      for (const [sku, stock] of [
        ['SRT-A', 7],
        ['SRT-B', 2],
        ['SRT-C', 9],
      ] as const) {
        await s.req('POST', '/products', { json: product(sku, { stock, category: 'sort-row' }) });
      }
      const skus = async (q: string) =>
        (await s.req('GET', `/products?category=sort-row&${q}`)).body.items.map(
          (p: { sku: string }) => p.sku,
        );
      expect(await skus('sort=stock&direction=desc')).toEqual(['SRT-C', 'SRT-A', 'SRT-B']);
      expect(await skus('sort=stock&direction=Asc')).toEqual(['SRT-B', 'SRT-A', 'SRT-C']);
      expect(await skus('sort=launched_at,stock&direction=ASC,DESC')).toEqual(['SRT-C', 'SRT-A', 'SRT-B']);
      expect(await skus('sort=launchedAt&sort=stock')).toEqual(['SRT-B', 'SRT-A', 'SRT-C']);
    });

    it.each([
      ['sort=colour', 'sort', 'LOOM_INVALID_QUERY'],
      ['sort=notes', 'sort', 'LOOM_INVALID_QUERY'],
      ['sort=stock,stock', 'sort', 'LOOM_INVALID_QUERY'],
      ['sort=', 'sort', 'LOOM_INVALID_QUERY'],
      ['direction=sideways', 'direction', 'LOOM_BAD_REQUEST'],
      ['sort=stock,price&direction=asc,desc,asc', 'direction', 'LOOM_BAD_REQUEST'],
    ])('?%s → 400 naming %s', async (query, parameter, code) => {
      expect(expectProblem(await s.req('GET', `/products?${query}`), 400, code).parameter).toBe(parameter);
    });
  });

  describe('filters', () => {
    it('supports every operator on camelCase and snake_case field names', async () => {
      const rows = [
        ['FLT-1', 1.5, 'flt-a', true],
        ['FLT-2', 2.5, 'flt-b', false],
        ['FLT-3', 3.5, null, true],
      ] as const;
      for (const [sku, price, category, active] of rows) {
        await s.req('POST', '/products', {
          json: product(sku, { price, category, active, name: `Filter ${sku}` }),
        });
      }
      const skus = async (q: string) => {
        const res = await s.req('GET', `/products?pagination=offset&sort=sku&sku__like=FLT-%25&${q}`);
        expect(res.status, res.text).toBe(200);
        return res.body.items.map((p: { sku: string }) => p.sku);
      };
      expect(await skus('price=2.5')).toEqual(['FLT-2']);
      expect(await skus('price__eq=2.5')).toEqual(['FLT-2']);
      expect(await skus('price__ne=2.5')).toEqual(['FLT-1', 'FLT-3']);
      expect(await skus('price__gt=2.5')).toEqual(['FLT-3']);
      expect(await skus('price__gte=2.5')).toEqual(['FLT-2', 'FLT-3']);
      expect(await skus('price__lt=2.5')).toEqual(['FLT-1']);
      expect(await skus('price__lte=2.5')).toEqual(['FLT-1', 'FLT-2']);
      expect(await skus('sku__in=FLT-1,FLT-3')).toEqual(['FLT-1', 'FLT-3']);
      expect(await skus('name__ilike=filter%20flt-2')).toEqual(['FLT-2']);
      expect(await skus('category__is_null=true')).toEqual(['FLT-3']);
      expect(await skus('category__is_null=false')).toEqual(['FLT-1', 'FLT-2']);
      expect(await skus('active=false')).toEqual(['FLT-2']);
      expect(await skus('launched_at__is_null=true&price__GTE=2')).toEqual(['FLT-2', 'FLT-3']);
      expect(await skus('price__gte=1&price__lte=2')).toEqual(['FLT-1']);
    });

    it('converts values by the declared type, never by guessing', async () => {
      await s
        .req('POST', '/users', { json: { fullName: 'Zip One', email: 'zip1@x.io' } })
        .then((r) => s.req('PATCH', `/users/${r.body.id}`, { json: { zipCode: '00123' } }));
      await s
        .req('POST', '/users', { json: { fullName: 'Zip Two', email: 'zip2@x.io' } })
        .then((r) => s.req('PATCH', `/users/${r.body.id}`, { json: { zipCode: '123' } }));
      const res = await s.req('GET', '/users?zipCode__eq=00123');
      expect(res.body.items.map((u: { email: string }) => u.email)).toEqual(['zip1@x.io']);
      expect(
        (await s.req('GET', '/users?zip_code=123')).body.items.map((u: { email: string }) => u.email),
      ).toEqual(['zip2@x.io']);
    });

    it('filters through relations: relation__exists and relation__field[__op], camel or snake', async () => {
      const emails: string[] = [];
      for (const [n, cities] of [
        [1, ['Oslo']],
        [2, ['Oslo', 'Rome']],
        [3, []],
      ] as const) {
        const u = await s.req('POST', '/users', { json: { fullName: `Rel ${n}`, email: `rel${n}@x.io` } });
        emails.push(u.body.email);
        for (const city of cities)
          await s.req('POST', `/users/${u.body.id}/addresses`, { json: { street: 's', city } });
      }
      const found = async (q: string) => {
        const res = await s.req('GET', `/users?email__like=rel%25&sort=email&${q}`);
        expect(res.status, res.text).toBe(200);
        return res.body.items.map((u: { email: string }) => u.email);
      };
      expect(await found('addresses__exists=true')).toEqual(['rel1@x.io', 'rel2@x.io']);
      expect(await found('addresses__exists=false')).toEqual(['rel3@x.io']);
      expect(await found('addresses__city=Rome')).toEqual(['rel2@x.io']);
      expect(await found('addresses__city__in=Rome,Oslo')).toEqual(['rel1@x.io', 'rel2@x.io']);
      expect(await found('addresses__user_id__gte=1&addresses__city__ne=Oslo')).toEqual(['rel2@x.io']);
      for (const [q, parameter] of [
        ['addresses=1', 'addresses'],
        ['addresses__exists=maybe', 'addresses__exists'],
        ['addresses__colour=x', 'addresses__colour'],
        ['addresses__city__exists=true', 'addresses__city__exists'],
        ['addresses__city__between=x', 'addresses__city__between'],
        ['fullName__exists=true', 'fullName__exists'],
        ['addresses__id=abc', 'addresses__id'],
      ]) {
        expect(expectProblem(await s.req('GET', `/users?${q}`), 400, 'LOOM_INVALID_QUERY').parameter).toBe(
          parameter,
        );
      }
    });

    it.each([
      ['colour=red', 'colour'],
      ['colour__eq=red', 'colour__eq'],
      ['price__between=1', 'price__between'],
      ['price__exists=true', 'price__exists'],
      ['__eq=1', '__eq'],
      ['price__=1', 'price__'],
      ['notes__eq=x', 'notes__eq'],
      ['price__gte=cheap', 'price__gte'],
      ['stock=1.5', 'stock'],
      ['stock__gt=99999999999', 'stock__gt'],
      ['active=maybe', 'active'],
      ['launchedAt__gt=yesterday', 'launchedAt__gt'],
      ['stock__in=', 'stock__in'],
      ['stock__in=1,x', 'stock__in'],
      ['stock__like=1%25', 'stock__like'],
      ['category__is_null=perhaps', 'category__is_null'],
    ])('?%s → 400 naming %s', async (query, parameter) => {
      expect(
        expectProblem(await s.req('GET', `/products?${query}`), 400, 'LOOM_INVALID_QUERY').parameter,
      ).toBe(parameter);
    });

    it('rejects a misspelt parameter on non-list routes too (unknown ones: test/rest/unknown-query.test.ts)', async () => {
      const body = expectProblem(await s.req('GET', '/ping?profil=x'), 400, 'LOOM_BAD_REQUEST');
      expect(body.parameter).toBe('profil');
    });
  });
});
