/**
 * The invoker: `kernel.invoke` with the result typed from the declaration, and `kernel.entity(Model)`, the
 * model's auto-CRUD use cases callable in code (loom-core-spec §16.2 check 47).
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import {
  Conflict,
  type CursorPage,
  command,
  type Infer,
  NotFound,
  type OffsetPage,
  t,
  useCase,
  ValidationError,
  where,
} from '../support/internals.ts';
import { Author, Book, CATALOG } from './catalog-fixture.ts';
import { useKernel } from './kernel-fixture.ts';

type AuthorRow = Infer<typeof Author>;

describe.each(DIALECTS)('invoker on %s', (dialect) => {
  const fx = useKernel(dialect, CATALOG);

  describe('kernel.invoke', () => {
    it('returns the result of execute, typed from the declaration', async () => {
      const Summary = useCase(Author, {
        params: { authorId: t.Integer() },
        readOnly: true,
        execute: async ({ params, repo }) => {
          const a = await repo.getById(params.authorId);
          return { found: a !== null, name: a?.name ?? null };
        },
      });
      const ada = await fx.kernel.entity(Author).create({ name: 'Ada', email: 'ada@x.io' });
      const out = await fx.kernel.invoke(Summary, { params: { authorId: ada.id } });
      expectTypeOf(out).toEqualTypeOf<{ found: boolean; name: string | null }>();
      expect(out).toEqual({ found: true, name: 'Ada' });
    });

    it('a use case without params or input needs neither', async () => {
      const Ping = useCase(null, { readOnly: true, execute: () => 'pong' as const });
      const pong = await fx.kernel.invoke(Ping, {});
      expectTypeOf(pong).toEqualTypeOf<'pong'>();
      expect(pong).toBe('pong');
    });

    it('ctx.app reaches other use cases and entities from inside execute', async () => {
      const AddBook = command({ title: t.String(), isbn: t.String() });
      const CreateWithBook = useCase(Book, {
        input: AddBook,
        execute: async ({ input, app, repo }) => {
          const author = await app.entity(Author).create({ name: 'Anon', email: `${input.isbn}@x.io` });
          expectTypeOf(author).toEqualTypeOf<AuthorRow>();
          return repo.create({ authorId: author.id, title: input.title, isbn: input.isbn });
        },
      });
      const book = await fx.kernel.invoke(CreateWithBook, { payload: { title: 'T', isbn: '1' } });
      expect(await fx.kernel.entity(Author).get(book.authorId)).toMatchObject({ email: '1@x.io' });
    });
  });

  describe('kernel.entity(Model)', () => {
    it('create then update changes the name (check 47)', async () => {
      const authors = fx.kernel.entity(Author);
      const first = await authors.create({ name: 'first', email: 'a@x.io' });
      expectTypeOf(first).toEqualTypeOf<AuthorRow>();
      expect(first).toMatchObject({ id: expect.any(Number), name: 'first', email: 'a@x.io', nickname: null });
      const second = await authors.update(first.id, { name: 'second' });
      expect(second).toEqual({ ...first, name: 'second' });
      expect((await authors.get(first.id)).name).toBe('second');
    });

    it('get returns the entity; a missing id is a NotFound naming the entity and id', async () => {
      const authors = fx.kernel.entity(Author);
      const ada = await authors.create({ name: 'Ada', email: 'ada@x.io' });
      const got = await authors.get(ada.id);
      expectTypeOf(got).toEqualTypeOf<AuthorRow>();
      expect(got).toEqual(ada);
      // @ts-expect-error the id is a number; a plain-JS caller's numeric string is converted at run time
      expect(await authors.get(String(ada.id))).toEqual(ada);
      await expect(authors.get(999)).rejects.toMatchObject({ status: 404, entity: 'Author', id: 999 });
    });

    it('update and delete of a missing id are NotFound; delete returns true and removes the row', async () => {
      const authors = fx.kernel.entity(Author);
      await expect(authors.update(999, { name: 'x' })).rejects.toBeInstanceOf(NotFound);
      await expect(authors.delete(999)).rejects.toMatchObject({ status: 404, entity: 'Author', id: 999 });
      const ada = await authors.create({ name: 'Ada', email: 'ada@x.io' });
      await expect(authors.delete(ada.id)).resolves.toBe(true);
      await expect(authors.get(ada.id)).rejects.toBeInstanceOf(NotFound);
    });

    it('create validates the payload (422) and maps unique violations (409)', async () => {
      const authors = fx.kernel.entity(Author);
      // @ts-expect-error email is required; a plain-JS caller gets a 422
      await expect(authors.create({ name: 'No email' })).rejects.toBeInstanceOf(ValidationError);
      await authors.create({ name: 'Ada', email: 'ada@x.io' });
      await expect(authors.create({ name: 'Ada 2', email: 'ada@x.io' })).rejects.toBeInstanceOf(Conflict);
    });

    it('list: offset by default, cursor on request, filters and sort', async () => {
      const authors = fx.kernel.entity(Author);
      for (const n of ['c', 'a', 'b']) await authors.create({ name: n, email: `${n}@x.io` });
      const page = await authors.list();
      expectTypeOf(page).toEqualTypeOf<OffsetPage<AuthorRow>>();
      expect(page).toMatchObject({ totalCount: 3, page: 1, limit: 50, hasNext: false });
      expect(page.items.map((a) => a.name)).toEqual(['c', 'a', 'b']);

      const sorted = await authors.list({
        sort: [{ field: 'name', direction: 'desc' }],
        filter: where('name', 'ne', 'c'),
      });
      expect(sorted.items.map((a) => a.name)).toEqual(['b', 'a']);

      const first = await authors.list({ pagination: { mode: 'cursor', limit: 2 } });
      expectTypeOf(first).toEqualTypeOf<CursorPage<AuthorRow>>();
      expect(first.items.map((a) => a.name)).toEqual(['c', 'a']);
      expect(first.hasNext).toBe(true);
      const rest = await authors.list({
        pagination: { mode: 'cursor', limit: 2, after: first.nextCursor ?? '' },
      });
      expect(rest.items.map((a) => a.name)).toEqual(['b']);
      expect(rest).toMatchObject({ hasNext: false, nextCursor: null });
    });

    it('list with an explicit undefined pagination (plain JS) still gets the default page', async () => {
      const authors = fx.kernel.entity(Author);
      await authors.create({ name: 'a', email: 'a@x.io' });
      const loose = { sort: [{ field: 'id', direction: 'asc' }], pagination: undefined } as const;
      // @ts-expect-error with exactOptionalPropertyTypes, pagination is left out rather than undefined
      await expect(authors.list(loose)).resolves.toMatchObject({ totalCount: 1, page: 1, limit: 50 });
    });
  });
});
