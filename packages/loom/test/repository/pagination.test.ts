import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { InvalidQuery, MAX_LIMIT, type SortSpec, where } from '../support/internals.ts';
import { Item, Product } from '../support/models.ts';

type ProductField = keyof typeof Product.$columns & string;

describe.each(DIALECTS)('repository pagination on %s', (dialect) => {
  const fx = useDatabase(dialect, [Item, Product]);

  async function seedItems(rows: readonly (readonly [string, number])[]) {
    const items = fx.repo(Item);
    for (const [name, price] of rows) await items.create({ name, price });
    return items;
  }

  async function seedProducts() {
    const products = fx.repo(Product);
    const rows: [string, string | null, number][] = [
      ['p1', 'b', 5],
      ['p2', null, 7],
      ['p3', 'a', 5],
      ['p4', 'b', 9],
      ['p5', null, 7],
      ['p6', 'a', 1],
      ['p7', 'b', 5],
    ];
    for (const [sku, category, stock] of rows) {
      await products.create({ name: sku, sku, category, zipCode: '1', stock, price: stock / 2 });
    }
    return products;
  }

  it('§16.2-23 offset: filter, sort, one row per page', async () => {
    const items = await seedItems([
      ['a', 10],
      ['b', 20],
      ['c', 20],
    ]);
    const query = { filter: where('price', 'eq', 20), sort: [{ field: 'id', direction: 'asc' }] } as const;
    const page1 = await items.list({ ...query, pagination: { mode: 'offset', page: 1, limit: 1 } });
    expect(page1).toEqual({
      items: [{ id: 2, name: 'b', price: 20 }],
      totalCount: 2,
      page: 1,
      limit: 1,
      hasNext: true,
    });
    const page2 = await items.list({ ...query, pagination: { mode: 'offset', page: 2, limit: 1 } });
    expect(page2).toEqual({
      items: [{ id: 3, name: 'c', price: 20 }],
      totalCount: 2,
      page: 2,
      limit: 1,
      hasNext: false,
    });
  });

  it('§16.2-24 cursor: filter, one row per page, then the end', async () => {
    const items = await seedItems([
      ['a', 10],
      ['b', 20],
      ['c', 20],
    ]);
    const filter = where('price', 'eq', 20);
    const page1 = await items.list({ filter, pagination: { mode: 'cursor', limit: 1 } });
    expect(page1.items.map((i) => i.name)).toEqual(['b']);
    expect(page1.hasNext).toBe(true);
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = await items.list({
      filter,
      pagination: { mode: 'cursor', limit: 1, after: page1.nextCursor! },
    });
    expect(page2).toEqual({ items: [{ id: 3, name: 'c', price: 20 }], nextCursor: null, hasNext: false });
  });

  it('§16.2-25 (adapted) the cursor after two rows is an opaque signed token that resumes at the third', async () => {
    const items = await seedItems([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    const sort = [{ field: 'id', direction: 'asc' }] as const;
    const page1 = await items.list({ sort, pagination: { mode: 'cursor', limit: 2 } });
    expect(page1.items.map((i) => i.id)).toEqual([1, 2]);
    // Not loom-py's base64 JSON ("eyJpZCI6IDJ9"): body and HMAC, both base64url.
    expect(page1.nextCursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(page1.nextCursor).not.toBe('eyJpZCI6IDJ9');
    const page2 = await items.list({
      sort,
      pagination: { mode: 'cursor', limit: 2, after: page1.nextCursor! },
    });
    expect(page2).toEqual({
      items: [
        { id: 3, name: 'c', price: 3 },
        { id: 4, name: 'd', price: 4 },
      ],
      nextCursor: null,
      hasNext: false,
    });
  });

  it('§16.2-26 (fixed) an offset page past the end is empty and reports the real totalCount', async () => {
    const items = await seedItems([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(await items.list({ pagination: { mode: 'offset', page: 9, limit: 2 } })).toEqual({
      items: [],
      totalCount: 3,
      page: 9,
      limit: 2,
      hasNext: false,
    });
    expect(
      await items.list({
        filter: where('price', 'gte', 2),
        pagination: { mode: 'offset', page: 3, limit: 1 },
      }),
    ).toEqual({ items: [], totalCount: 2, page: 3, limit: 1, hasNext: false });
    const empty = fx.repo(Product);
    expect(await empty.list({ pagination: { mode: 'offset', page: 1, limit: 5 } })).toEqual({
      items: [],
      totalCount: 0,
      page: 1,
      limit: 5,
      hasNext: false,
    });
    expect(await empty.list({ pagination: { mode: 'offset', page: 2, limit: 5 } })).toEqual({
      items: [],
      totalCount: 0,
      page: 2,
      limit: 5,
      hasNext: false,
    });
  });

  it('the envelopes have exactly the documented keys', async () => {
    const items = await seedItems([['a', 1]]);
    const offset = await items.list({ pagination: { mode: 'offset', page: 1, limit: 1 } });
    expect(Object.keys(offset).sort()).toEqual(['hasNext', 'items', 'limit', 'page', 'totalCount']);
    const cursor = await items.list({ pagination: { mode: 'cursor', limit: 1 } });
    expect(Object.keys(cursor).sort()).toEqual(['hasNext', 'items', 'nextCursor']);
  });

  it('offset pages walk the whole set; the last full page has no next', async () => {
    const items = await seedItems([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    const pages = [];
    for (let page = 1; page <= 3; page++)
      pages.push(await items.list({ pagination: { mode: 'offset', page, limit: 2 } }));
    expect(pages.map((p) => [p.items.map((i) => i.name).join(''), p.hasNext, p.totalCount])).toEqual([
      ['ab', true, 4],
      ['cd', false, 4],
      ['', false, 4],
    ]);
    const noCount = await items.list({ pagination: { mode: 'offset', page: 1, limit: 3, withCount: false } });
    expect(noCount.items.map((i) => i.name)).toEqual(['a', 'b', 'c']);
    expect(noCount.hasNext).toBe(true);
    const noCountLast = await items.list({
      pagination: { mode: 'offset', page: 2, limit: 3, withCount: false },
    });
    expect(noCountLast.items.map((i) => i.name)).toEqual(['d']);
    expect(noCountLast.hasNext).toBe(false);
  });

  it("sorts by several fields with mixed directions, NULL as the smallest value, ties broken by the key in the first field's direction", async () => {
    const products = await seedProducts();
    const list = async (sort: SortSpec<ProductField>[]) =>
      (await products.list({ sort, pagination: { mode: 'offset', page: 1, limit: 100 } })).items
        .map((p) => p.sku)
        .join(' ');
    expect(
      await list([
        { field: 'category', direction: 'asc' },
        { field: 'stock', direction: 'desc' },
      ]),
    ).toBe('p2 p5 p3 p6 p4 p1 p7');
    expect(
      await list([
        { field: 'category', direction: 'desc' },
        { field: 'stock', direction: 'asc' },
      ]),
    ).toBe('p7 p1 p4 p6 p3 p5 p2');
    expect(await list([{ field: 'stock', direction: 'desc' }])).toBe('p4 p5 p2 p7 p3 p1 p6');
    expect(
      await list([
        { field: 'stock', direction: 'asc' },
        { field: 'id', direction: 'desc' },
      ]),
    ).toBe('p6 p7 p3 p1 p5 p2 p4');
    expect(
      await list([
        { field: 'zip_code' as ProductField, direction: 'asc' },
        { field: 'price', direction: 'asc' },
      ]),
    ).toBe('p6 p1 p3 p7 p2 p5 p4');
  });

  it('cursor pages in descending and mixed orders repeat and skip nothing (loom-py bug 50)', async () => {
    const products = await seedProducts();
    for (const sort of [
      [{ field: 'stock', direction: 'desc' }],
      [
        { field: 'category', direction: 'asc' },
        { field: 'stock', direction: 'desc' },
      ],
      [
        { field: 'category', direction: 'desc' },
        { field: 'stock', direction: 'asc' },
      ],
    ] as SortSpec<ProductField>[][]) {
      const all = (
        await products.list({ sort, pagination: { mode: 'offset', page: 1, limit: 100 } })
      ).items.map((p) => p.sku);
      const walked: string[] = [];
      let after: string | undefined;
      for (let i = 0; i < 10; i++) {
        const page = await products.list({
          sort,
          pagination: { mode: 'cursor', limit: 2, ...(after ? { after } : {}) },
        });
        walked.push(...page.items.map((p) => p.sku));
        expect(page.hasNext).toBe(page.nextCursor !== null);
        if (!page.nextCursor) break;
        after = page.nextCursor;
      }
      expect(walked).toEqual(all);
    }
  });

  it.each([
    ['limit 0', { mode: 'offset', page: 1, limit: 0 }, 'limit'],
    [`limit ${MAX_LIMIT + 1}`, { mode: 'offset', page: 1, limit: MAX_LIMIT + 1 }, 'limit'],
    ['a fractional limit', { mode: 'offset', page: 1, limit: 2.5 }, 'limit'],
    ['page 0', { mode: 'offset', page: 0, limit: 10 }, 'page'],
    ['a negative page', { mode: 'offset', page: -1, limit: 10 }, 'page'],
    ['a fractional page', { mode: 'offset', page: 1.5, limit: 10 }, 'page'],
    ['cursor limit 0', { mode: 'cursor', limit: 0 }, 'limit'],
    [`cursor limit ${MAX_LIMIT + 1}`, { mode: 'cursor', limit: MAX_LIMIT + 1 }, 'limit'],
  ] as const)('refuses %s with InvalidQuery', async (_name, pagination, parameter) => {
    const items = await seedItems([['a', 1]]);
    await expect(items.list({ pagination })).rejects.toSatisfy(
      (e) => e instanceof InvalidQuery && e.parameter === parameter,
    );
  });

  it('accepts the bounds 1 and 1000', async () => {
    const items = await seedItems([
      ['a', 1],
      ['b', 2],
    ]);
    expect((await items.list({ pagination: { mode: 'offset', page: 1, limit: 1 } })).items).toHaveLength(1);
    expect(
      (await items.list({ pagination: { mode: 'offset', page: 1, limit: MAX_LIMIT } })).items,
    ).toHaveLength(2);
    expect((await items.list({ pagination: { mode: 'cursor', limit: MAX_LIMIT } })).items).toHaveLength(2);
  });

  it('refuses an unknown or non-sortable sort field with InvalidQuery', async () => {
    const products = fx.repo(Product);
    for (const field of ['colour', 'attributes']) {
      const sort = [{ field: field as ProductField, direction: 'asc' as const }];
      await expect(
        products.list({ sort, pagination: { mode: 'offset', page: 1, limit: 5 } }),
      ).rejects.toBeInstanceOf(InvalidQuery);
      await expect(products.list({ sort, pagination: { mode: 'cursor', limit: 5 } })).rejects.toBeInstanceOf(
        InvalidQuery,
      );
    }
  });
});
