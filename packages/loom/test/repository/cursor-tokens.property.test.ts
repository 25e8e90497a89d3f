import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cursorCodec } from '../../src/repository/cursor-token.ts';
import { DIALECTS } from '../support/dialects.ts';
import { useDatabase } from '../support/fixture.ts';
import { InvalidCursor, type SortSpec, SqlRepository } from '../support/internals.ts';
import { CURSOR_SECRET, Product } from '../support/models.ts';

type ProductField = keyof typeof Product.$columns & string;
const BY_STOCK: SortSpec<ProductField>[] = [{ field: 'stock', direction: 'asc' }];
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** The token is refused as a 400 InvalidCursor naming the `after` parameter. */
async function expectRefused(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => new Error('the token was accepted'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidCursor);
  expect(error).toMatchObject({ status: 400, code: 'LOOM_INVALID_CURSOR', parameter: 'after' });
}

describe.each(DIALECTS)('cursor tokens on %s', (dialect) => {
  const fx = useDatabase(dialect, [Product], 'all');
  let token = '';
  beforeAll(async () => {
    const repo = fx.repo(Product);
    for (let i = 0; i < 6; i++) {
      await repo.create({
        name: `p${i}`,
        sku: `S${i}`,
        zipCode: '1',
        stock: i % 3,
        price: i,
        category: i % 2 ? null : 'c',
      });
    }
    const page = await repo.list({ sort: BY_STOCK, pagination: { mode: 'cursor', limit: 2 } });
    token = page.nextCursor!;
  });
  const listAfter = (after: string, sort: SortSpec<ProductField>[] = BY_STOCK) =>
    fx.repo(Product).list({ sort, pagination: { mode: 'cursor', limit: 2, after } });

  it('the genuine token is accepted', async () => {
    const page = await listAfter(token);
    expect(page.items.map((p) => p.stock)).toEqual([1, 1]);
  });

  it('refuses forged tokens made of random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => Buffer.from(b).toString('base64url')),
          fc
            .tuple(
              fc.uint8Array({ minLength: 1, maxLength: 80 }),
              fc.uint8Array({ minLength: 1, maxLength: 40 }),
            )
            .map(
              ([b, s]) => `${Buffer.from(b).toString('base64url')}.${Buffer.from(s).toString('base64url')}`,
            ),
          fc.string({ minLength: 1, maxLength: 100 }),
        ),
        async (forged) => {
          fc.pre(forged !== token);
          await expectRefused(listAfter(forged));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses every truncation of a genuine token', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: token.length - 1 }), fc.boolean(), async (cut, keepEnd) => {
        await expectRefused(listAfter(keepEnd ? token.slice(cut) : token.slice(0, cut)));
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a token whose body was altered', async () => {
    const dot = token.indexOf('.');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: dot - 1 }), fc.constantFrom(...B64URL), async (at, char) => {
        fc.pre(token[at] !== char);
        await expectRefused(listAfter(token.slice(0, at) + char + token.slice(at + 1)));
      }),
      { numRuns: 40 },
    );
    // A well-formed body with other values, keeping the original signature.
    const body = Buffer.from(JSON.stringify({ s: 'stock:asc,id:asc', v: [0, 0] })).toString('base64url');
    await expectRefused(listAfter(`${body}${token.slice(dot)}`));
  });

  it('refuses a token signed with another secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 8, maxLength: 40 }), async (secret) => {
        fc.pre(secret !== CURSOR_SECRET);
        const other = new SqlRepository(Product, fx.db, { cursorSecret: secret });
        const page = await other.list({ sort: BY_STOCK, pagination: { mode: 'cursor', limit: 2 } });
        expect(page.nextCursor).not.toBeNull();
        await expectRefused(listAfter(page.nextCursor!));
      }),
      { numRuns: 25 },
    );
  });

  it('refuses a token made for another sort order', async () => {
    const orders = fc.constantFrom<SortSpec<ProductField>[]>(
      [{ field: 'stock', direction: 'desc' }],
      [{ field: 'price', direction: 'asc' }],
      [
        { field: 'stock', direction: 'asc' },
        { field: 'price', direction: 'asc' },
      ],
      [
        { field: 'category', direction: 'asc' },
        { field: 'stock', direction: 'asc' },
      ],
      [{ field: 'id', direction: 'asc' }],
      [],
    );
    await fc.assert(
      fc.asyncProperty(orders, async (sort) => {
        await expectRefused(listAfter(token, sort));
      }),
      { numRuns: 12 },
    );
  });

  it('refuses a correctly signed token whose values do not fit the sort', async () => {
    const codec = cursorCodec(CURSOR_SECRET);
    await expectRefused(listAfter(codec.encode('stock:asc,id:asc', [1])));
    await expectRefused(listAfter(codec.encode('stock:asc,id:asc', [1, 2, 3])));
    await expectRefused(listAfter(codec.encode('stock:asc,id:asc', ['many', 2])));
    await expectRefused(listAfter(codec.encode('stock:asc,id:asc', [1.5, 2])));
    const fits = await listAfter(codec.encode('stock:asc,id:asc', [0, 9999]));
    expect(fits.items.map((p) => p.stock)).toEqual([1, 1]);
  });
});
