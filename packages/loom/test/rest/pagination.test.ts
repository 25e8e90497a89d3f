import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { expectProblem } from './support/expect-problem.ts';
import { startServer, type TestServer } from './support/server.ts';

type Item = { id: number; sku: string };

describe.each(DIALECTS)('pagination over HTTP on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
    // 23 products: prices and categories repeat, some categories are null, so sorts have ties and NULLs.
    for (let i = 1; i <= 23; i++) {
      const json = {
        name: `P${i}`,
        sku: `PG-${String(i).padStart(2, '0')}`,
        price: [10, 20, 20, 30, 5][i % 5],
        stock: i % 4,
        category: i % 3 === 0 ? null : ['a', 'b'][i % 2],
      };
      expect((await s.req('POST', '/products', { json })).status).toBe(201);
    }
  });
  afterAll(() => s.close());

  async function walk(query: string, limit: number): Promise<number[]> {
    const seen: number[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 50; pages++) {
      const cursor: string = after === null ? '' : `&after=${encodeURIComponent(after)}`;
      const res = await s.req('GET', `/products?${query}&limit=${limit}${cursor}`);
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items.map((p: Item) => p.id));
      expect(res.body.hasNext).toBe(res.body.nextCursor !== null);
      if (!res.body.hasNext) return seen;
      expect(res.body.items).toHaveLength(limit);
      after = res.body.nextCursor;
    }
    throw new Error('the walk did not end');
  }

  async function reference(query: string): Promise<number[]> {
    const res = await s.req('GET', `/products?pagination=offset&limit=1000&${query}`);
    expect(res.body.totalCount).toBe(23);
    return res.body.items.map((p: Item) => p.id);
  }

  it.each([
    'sort=id',
    'sort=id&direction=desc',
    'sort=price',
    'sort=price&direction=DESC',
    'sort=category',
    'sort=category&direction=desc',
    'sort=category,price&direction=desc,asc',
    'sort=stock,category,price&direction=asc,desc,desc',
    'direction=desc',
  ])('a cursor walk with %s visits every row once, in the offset order', async (query) => {
    const expected = await reference(query);
    for (const limit of [1, 4, 7, 23, 50]) {
      const walked = await walk(query, limit);
      expect(new Set(walked).size).toBe(walked.length);
      expect(walked).toEqual(expected);
    }
  });

  it('an offset page past the end is empty but still reports the real total', async () => {
    const res = await s.req('GET', '/products?pagination=offset&page=9&limit=5');
    expect(res.body).toEqual({ items: [], totalCount: 23, page: 9, limit: 5, hasNext: false });
  });

  it('sending a cursor selects cursor mode; `cursor` is an alias of `after`', async () => {
    const first = await s.req('GET', '/products?pagination=cursor&sort=price&limit=5');
    const viaAfter = await s.req('GET', `/products?sort=price&limit=5&after=${first.body.nextCursor}`);
    const viaAlias = await s.req('GET', `/products?sort=price&limit=5&cursor=${first.body.nextCursor}`);
    expect(viaAlias.body).toEqual(viaAfter.body);
    expect(Object.keys(viaAfter.body)).toEqual(['items', 'nextCursor', 'hasNext']);
    const users = await s.req('GET', '/users?pagination=cursor&limit=1');
    expect(Object.keys(users.body)).toEqual(['items', 'nextCursor', 'hasNext']);
  });

  describe('bad cursors are 400 problems naming the parameter', () => {
    let token = '';
    beforeAll(async () => {
      token = (await s.req('GET', '/products?sort=price&limit=3')).body.nextCursor;
    });

    it('a forged body with the original signature', async () => {
      const [, sig] = token.split('.');
      const body = Buffer.from(JSON.stringify({ s: 'price:asc,id:asc', v: [0, 0] })).toString('base64url');
      expectProblem(
        await s.req('GET', `/products?sort=price&after=${body}.${sig}`),
        400,
        'LOOM_INVALID_CURSOR',
      );
    });

    it('a truncated or re-signed token, garbage, a loom-py token', async () => {
      for (const bad of [
        token.slice(0, -2),
        `${token.split('.')[0]}.AAAA`,
        'garbage',
        'eyJpZCI6IDJ9',
        '.',
        'a.b.c',
      ]) {
        const body = expectProblem(
          await s.req('GET', `/products?sort=price&after=${encodeURIComponent(bad)}`),
          400,
          'LOOM_INVALID_CURSOR',
        );
        expect(body.parameter).toBe('after');
      }
    });

    it('a token replayed on another sort order', async () => {
      expectProblem(await s.req('GET', `/products?sort=stock&after=${token}`), 400, 'LOOM_INVALID_CURSOR');
      expectProblem(
        await s.req('GET', `/products?sort=price&direction=desc&after=${token}`),
        400,
        'LOOM_INVALID_CURSOR',
      );
    });

    it('through the alias, the problem names `cursor`', async () => {
      const body = expectProblem(await s.req('GET', '/products?cursor=garbage'), 400, 'LOOM_INVALID_CURSOR');
      expect(body.parameter).toBe('cursor');
    });

    it('conflicting pagination parameters', async () => {
      expect(
        expectProblem(await s.req('GET', `/products?after=${token}&cursor=other`), 400, 'LOOM_BAD_REQUEST')
          .parameter,
      ).toBe('cursor');
      expect(
        expectProblem(
          await s.req('GET', `/products?pagination=offset&after=${token}`),
          400,
          'LOOM_BAD_REQUEST',
        ).parameter,
      ).toBe('after');
      expect(expectProblem(await s.req('GET', '/products?page=2'), 400, 'LOOM_BAD_REQUEST').parameter).toBe(
        'page',
      );
    });
  });
});

describe.each(DIALECTS)('a use case scopes the list query on %s', (dialect) => {
  let s: TestServer;
  const users: number[] = [];
  beforeAll(async () => {
    s = await startServer(dialect);
    for (const n of [1, 2]) {
      const u = await s.req('POST', '/users', { json: { fullName: `Owner ${n}`, email: `owner${n}@x.io` } });
      users.push(u.body.id);
      for (const city of ['Madrid', 'Lisbon', 'Paris']) {
        const a = await s.req('POST', `/users/${u.body.id}/addresses`, {
          json: { street: `${city} street ${n}`, city },
        });
        expect(a.status).toBe(201);
      }
    }
  });
  afterAll(() => s.close());

  const streets = (res: { body: { items: { street: string }[] } }) => res.body.items.map((a) => a.street);

  it("lists only the path user's addresses; client filters narrow it and cannot widen it", async () => {
    const [u1, u2] = users;
    expect(streets(await s.req('GET', `/users/${u1}/addresses?sort=id`))).toEqual([
      'Madrid street 1',
      'Lisbon street 1',
      'Paris street 1',
    ]);
    expect(streets(await s.req('GET', `/users/${u1}/addresses?city__in=Paris,Madrid&sort=city`))).toEqual([
      'Madrid street 1',
      'Paris street 1',
    ]);
    // Asking for the other user's rows only narrows the scope to nothing.
    expect(streets(await s.req('GET', `/users/${u1}/addresses?userId=${u2}`))).toEqual([]);
    expect(streets(await s.req('GET', `/users/${u1}/addresses?user_id__ne=${u1}`))).toEqual([]);
    const page = await s.req('GET', `/users/${u2}/addresses?limit=2&pagination=offset`);
    expect(page.body).toMatchObject({ totalCount: 3, hasNext: true });
  });

  it('a missing path user is a 404; a non-integer one a 400 naming the param', async () => {
    expectProblem(await s.req('GET', '/users/999/addresses'), 404, 'LOOM_NOT_FOUND');
    expectProblem(
      await s.req('POST', '/users/999/addresses', { json: { street: 's', city: 'c' } }),
      404,
      'LOOM_NOT_FOUND',
    );
    expect(expectProblem(await s.req('GET', '/users/abc/addresses'), 400, 'LOOM_BAD_REQUEST').parameter).toBe(
      'userId',
    );
  });
});
