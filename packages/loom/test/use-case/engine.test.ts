/**
 * The executor's pipeline (loom-core-spec §16.2 checks 1–4 and 12–18), ported to our API: bind params →
 * parse input → loads and exists (404 beats 422) → computes → rules → execute.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import {
  BadRequest,
  command,
  exists,
  type Infer,
  load,
  loadById,
  NotFound,
  patch,
  RuleViolations,
  t,
  useCase,
  ValidationError,
} from '../support/internals.ts';
import { Author, Book, CATALOG, CreateBook, RenameAuthor } from './catalog-fixture.ts';
import { caught, useKernel } from './kernel-fixture.ts';

type AuthorRow = Infer<typeof Author>;

describe.each(DIALECTS)('use-case engine on %s', (dialect) => {
  const fx = useKernel(dialect, CATALOG);
  const seedAuthor = (email = 'ada@x.io', name = 'Ada') => fx.kernel.entity(Author).create({ name, email });

  describe('params (check 12)', () => {
    const Double = useCase(null, {
      name: 'Double',
      params: { value: t.Integer(), loud: t.Optional(t.Boolean()) },
      readOnly: true,
      execute: ({ params }) => {
        expectTypeOf(params.value).toEqualTypeOf<number>();
        return params.loud ? `${params.value * 2}!` : params.value * 2;
      },
    });

    it('a missing param is a 400 naming the use case and the param', async () => {
      const error = await caught(() => fx.kernel.call(Double, { params: {} }));
      expect(error).toBeInstanceOf(BadRequest);
      expect(error).toMatchObject({ status: 400, code: 'LOOM_BAD_REQUEST', parameter: 'value' });
      expect((error as Error).message).toBe('Double: missing required parameter "value"');
      await expect(fx.kernel.call(Double, {})).rejects.toMatchObject({ status: 400, parameter: 'value' });
    });

    it('"not-an-int" (and 2.5) for an integer param is a 400 naming the param', async () => {
      const error = await caught(() => fx.kernel.invokeRaw(Double, { params: { value: 'not-an-int' } }));
      expect(error).toBeInstanceOf(BadRequest);
      expect(error).toMatchObject({ status: 400, parameter: 'value' });
      expect((error as Error).message).toContain('Double: invalid value for parameter "value"');
      await expect(fx.kernel.invokeRaw(Double, { params: { value: '2.5' } })).rejects.toMatchObject({
        status: 400,
        parameter: 'value',
      });
    });

    it('an optional param may be left out; a param with a default takes it', async () => {
      const Page = useCase(null, {
        params: { page: t.Integer({ default: 1 }), tag: t.Optional(t.String()) },
        readOnly: true,
        execute: ({ params }) => {
          expectTypeOf(params.page).toEqualTypeOf<number>();
          expectTypeOf(params.tag).toEqualTypeOf<string | undefined>();
          return { page: params.page, hasTag: 'tag' in params };
        },
      });
      // TypeBox does not carry `default` in the schema's type, so `invoke` still asks for `page`; the
      // untyped path (HTTP query strings, jobs) may leave it out.
      await expect(fx.kernel.call(Page, { params: {} })).resolves.toEqual({ page: 1, hasTag: false });
      await expect(fx.kernel.invoke(Page, { params: { page: 2 } })).resolves.toEqual({
        page: 2,
        hasTag: false,
      });
      await expect(fx.kernel.invokeRaw(Page, { params: { page: '3', tag: 'x' } })).resolves.toEqual({
        page: 3,
        hasTag: true,
      });
      await expect(fx.kernel.invoke(Page, { params: { page: 0.5 } })).rejects.toMatchObject({
        parameter: 'page',
      });
    });

    it('path strings are converted by the declared type', async () => {
      await expect(fx.kernel.invokeRaw(Double, { params: { value: '21' } })).resolves.toBe(42);
      await expect(fx.kernel.invokeRaw(Double, { params: { value: 21, loud: 'true' } })).resolves.toBe('42!');
      await expect(fx.kernel.invokeRaw(Double, { params: { value: 21, loud: 'yes' } })).rejects.toMatchObject(
        {
          status: 400,
          parameter: 'loud',
        },
      );
    });
  });

  describe('payload (checks 1–4 and 13)', () => {
    const CreateUser = command(
      { email: t.String(), fullName: t.String(), age: t.Integer(), priceCents: t.Optional(t.Integer()) },
      { name: 'CreateUser' },
    );
    const Echo = useCase(null, {
      name: 'Echo',
      input: CreateUser,
      execute: ({ input }) => ({ value: { ...input }, fieldsSet: [...input.$fieldsSet].sort() }),
    });
    const PatchUser = command({ email: patch(t.Union([t.String(), t.Null()])), name: patch(t.String()) });
    const EchoPatch = useCase(null, {
      input: PatchUser,
      execute: ({ input }) => ({ value: { ...input }, fieldsSet: [...input.$fieldsSet].sort() }),
    });

    it('records the fields the client sent (check 1)', async () => {
      const out = await fx.kernel.invoke(Echo, { payload: { email: 'a@b.com', fullName: 'Alice', age: 30 } });
      expect(out.fieldsSet).toEqual(['age', 'email', 'fullName']);
      expect(out.value).toEqual({ email: 'a@b.com', fullName: 'Alice', age: 30 });
    });

    it('ignores unknown keys: never in the value, never in fieldsSet (check 2)', async () => {
      const out = await fx.kernel.invokeRaw(Echo, {
        payload: { email: 'a@b.com', fullName: 'Alice', age: 30, unknown: 'x' },
      });
      expect(out.fieldsSet).not.toContain('unknown');
      expect(out.value).not.toHaveProperty('unknown');
    });

    it('accepts the snake_case spelling of each field (check 3)', async () => {
      const snake = await fx.kernel.invokeRaw(Echo, {
        payload: { email: 'a@b.com', full_name: 'Alice', age: 30, price_cents: 123 },
      });
      expect(snake.value).toMatchObject({ fullName: 'Alice', priceCents: 123 });
      expect(snake.fieldsSet).toEqual(['age', 'email', 'fullName', 'priceCents']);
      const camel = await fx.kernel.invoke(Echo, {
        payload: { email: 'a@b.com', fullName: 'Alice', age: 30, priceCents: 321 },
      });
      expect(camel.value.priceCents).toBe(321);
    });

    it('tells an explicit null from an absent patch field (check 4)', async () => {
      const sent = await fx.kernel.invoke(EchoPatch, { payload: { email: null, name: 'Alice' } });
      expect(sent.value).toEqual({ email: null, name: 'Alice' });
      expect(sent.fieldsSet).toEqual(['email', 'name']);
      const empty = await fx.kernel.invoke(EchoPatch, { payload: {} });
      expect(empty.fieldsSet).toEqual([]);
      // Absent patch fields are absent (undefined), not null: absence and null stay distinct.
      expect(empty.value).toEqual({});
    });

    it('a use case with input requires a payload: ValidationError 422 (check 13)', async () => {
      for (const payload of [undefined, null]) {
        const error = await caught(() => fx.kernel.call(Echo, { payload }));
        expect(error).toBeInstanceOf(ValidationError);
        expect(error).toMatchObject({ status: 422, code: 'LOOM_VALIDATION' });
        expect((error as Error).message).toContain('CreateUser payload is required');
      }
    });

    it('a payload that does not match the command is a 422 listing every problem', async () => {
      const error = await caught(() =>
        fx.kernel.call(Echo, { payload: { email: 'a@b.com', age: 'thirty' } }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      const paths = (error as ValidationError).errors.map((e) => e.path).sort();
      expect(paths).toEqual(['age', 'fullName']);
    });
  });

  describe('loadById (checks 15 and 17)', () => {
    const declare = <const O extends 'raise' | 'returnNull' | 'returnFalse'>(onMissing: O) =>
      useCase(Author, {
        params: { authorId: t.Integer() },
        load: { author: loadById(Author, { by: 'authorId', onMissing }) },
        readOnly: true,
        execute: ({ load }) => load.author,
      });

    it('passes the entity to execute', async () => {
      const ada = await seedAuthor();
      await expect(
        fx.kernel.invokeRaw(declare('raise'), { params: { authorId: String(ada.id) } }),
      ).resolves.toEqual(ada);
    });

    it('raise (default): NotFound with the entity and the id, 404 (check 15)', async () => {
      const error = await caught(() => fx.kernel.invoke(declare('raise'), { params: { authorId: 99 } }));
      expect(error).toBeInstanceOf(NotFound);
      expect(error).toMatchObject({ status: 404, code: 'LOOM_NOT_FOUND', entity: 'Author', id: 99 });
      expect((error as NotFound).problemExtensions()).toEqual({ entity: 'Author', id: 99 });
    });

    it('returnNull → null, returnFalse → false (check 17)', async () => {
      await expect(fx.kernel.invoke(declare('returnNull'), { params: { authorId: 99 } })).resolves.toBeNull();
      await expect(fx.kernel.invoke(declare('returnFalse'), { params: { authorId: 99 } })).resolves.toBe(
        false,
      );
    });
  });

  describe('load by a field', () => {
    const declare = <const O extends 'raise' | 'returnNull' | 'returnFalse'>(onMissing: O) =>
      useCase(Author, {
        params: { email: t.String() },
        load: { author: load(Author, { from: 'email', against: 'email', onMissing }) },
        readOnly: true,
        execute: ({ load }) => load.author,
      });

    it('finds the row whose field equals the param', async () => {
      const ada = await seedAuthor();
      await expect(fx.kernel.invoke(declare('raise'), { params: { email: 'ada@x.io' } })).resolves.toEqual(
        ada,
      );
    });

    it('raise: NotFound whose id is the looked-up value', async () => {
      await expect(fx.kernel.invoke(declare('raise'), { params: { email: 'zzz' } })).rejects.toMatchObject({
        status: 404,
        entity: 'Author',
        id: 'zzz',
      });
    });

    it('returnNull → null, returnFalse → false', async () => {
      await expect(fx.kernel.invoke(declare('returnNull'), { params: { email: 'zzz' } })).resolves.toBeNull();
      await expect(fx.kernel.invoke(declare('returnFalse'), { params: { email: 'zzz' } })).resolves.toBe(
        false,
      );
    });

    it('loads from an input field', async () => {
      const ada = await seedAuthor();
      const AddBook = useCase(Book, {
        input: CreateBook,
        load: { author: load(Author, { from: 'input.authorEmail', against: 'email' }) },
        execute: ({ input, load, repo }) =>
          repo.create({ authorId: load.author.id, title: input.title, isbn: input.isbn }),
      });
      const book = await fx.kernel.invoke(AddBook, {
        payload: { authorEmail: 'ada@x.io', title: 'Notes', isbn: '978-1' },
      });
      expect(book).toMatchObject({ authorId: ada.id, title: 'Notes' });
      await expect(
        fx.kernel.invoke(AddBook, { payload: { authorEmail: 'nobody@x.io', title: 'T', isbn: '978-2' } }),
      ).rejects.toMatchObject({ status: 404, entity: 'Author', id: 'nobody@x.io' });
    });

    it('an absent input field looks nothing up and counts as missing', async () => {
      await seedAuthor();
      const declareFromInput = <const O extends 'raise' | 'returnNull'>(onMissing: O) =>
        useCase(Author, {
          input: RenameAuthor,
          load: { byEmail: load(Author, { from: 'input.email', against: 'email', onMissing }) },
          readOnly: true,
          execute: ({ load }) => load.byEmail,
        });
      const statements: string[] = [];
      const stop = fx.db.onStatement((sql) => statements.push(sql));
      try {
        await expect(
          fx.kernel.invoke(declareFromInput('returnNull'), { payload: { name: 'X' } }),
        ).resolves.toBeNull();
        await expect(
          fx.kernel.invoke(declareFromInput('raise'), { payload: { name: 'X' } }),
        ).rejects.toMatchObject({
          status: 404,
          entity: 'Author',
          id: null,
        });
        expect(statements).toEqual([]);
        await expect(
          fx.kernel.invoke(declareFromInput('raise'), { payload: { email: 'ada@x.io' } }),
        ).resolves.toMatchObject({ name: 'Ada' });
        expect(statements).toHaveLength(1);
      } finally {
        stop();
      }
    });
  });

  describe('exists (checks 16 and 17)', () => {
    it('default policy: execute receives false when missing, true when present', async () => {
      const Taken = useCase(null, {
        params: { email: t.String() },
        load: { taken: exists(Author, { from: 'email', against: 'email' }) },
        readOnly: true,
        execute: ({ load }) => {
          expectTypeOf(load.taken).toEqualTypeOf<boolean>();
          return load.taken;
        },
      });
      await expect(fx.kernel.invoke(Taken, { params: { email: 'ada@x.io' } })).resolves.toBe(false);
      await seedAuthor();
      await expect(fx.kernel.invoke(Taken, { params: { email: 'ada@x.io' } })).resolves.toBe(true);
    });

    it('exists by id from a param: false when missing (check 17)', async () => {
      const HasAuthor = useCase(null, {
        params: { id: t.Integer() },
        load: { found: exists(Author, { from: 'id', against: 'id' }) },
        readOnly: true,
        execute: ({ load }) => load.found,
      });
      await expect(fx.kernel.invoke(HasAuthor, { params: { id: 1 } })).resolves.toBe(false);
      const ada = await seedAuthor();
      await expect(fx.kernel.invoke(HasAuthor, { params: { id: ada.id } })).resolves.toBe(true);
    });

    it('raise: a 404 naming the entity and the looked-up value, even when against is not the id', async () => {
      const MustExist = useCase(null, {
        params: { email: t.String() },
        load: { known: exists(Author, { from: 'email', against: 'email', onMissing: 'raise' }) },
        readOnly: true,
        execute: ({ load }) => load.known,
      });
      await expect(fx.kernel.invoke(MustExist, { params: { email: 'no@x.io' } })).rejects.toMatchObject({
        status: 404,
        entity: 'Author',
        id: 'no@x.io',
      });
      await seedAuthor('no@x.io');
      await expect(fx.kernel.invoke(MustExist, { params: { email: 'no@x.io' } })).resolves.toBe(true);
    });

    it('returnNull on exists still yields false (exists is a yes/no question)', async () => {
      const Taken = useCase(null, {
        params: { email: t.String() },
        load: { taken: exists(Author, { from: 'email', against: 'email', onMissing: 'returnNull' }) },
        readOnly: true,
        execute: ({ load }) => load.taken,
      });
      await expect(fx.kernel.invoke(Taken, { params: { email: 'x@x.io' } })).resolves.toBe(false);
    });

    it('from an absent input field: false without a lookup; raise → 404 with id null', async () => {
      const declare = <const O extends 'raise' | 'returnFalse'>(onMissing: O) =>
        useCase(Author, {
          input: RenameAuthor,
          load: { taken: exists(Author, { from: 'input.email', against: 'email', onMissing }) },
          readOnly: true,
          execute: ({ load }) => load.taken,
        });
      const statements: string[] = [];
      const stop = fx.db.onStatement((sql) => statements.push(sql));
      try {
        await expect(fx.kernel.invoke(declare('returnFalse'), { payload: {} })).resolves.toBe(false);
        await expect(fx.kernel.invoke(declare('raise'), { payload: {} })).rejects.toMatchObject({
          status: 404,
          entity: 'Author',
          id: null,
        });
        expect(statements).toEqual([]);
      } finally {
        stop();
      }
    });
  });

  describe('order: 404 beats 422 (check 18)', () => {
    const ruleRuns: string[] = [];
    const UpdateAuthor = useCase(Author, {
      name: 'UpdateAuthor',
      params: { authorId: t.Integer() },
      input: RenameAuthor,
      load: { current: loadById(Author, { by: 'authorId' }) },
      rules: ({ check }) => [
        check('name', (name) => {
          ruleRuns.push(name);
          return name.trim() !== '' || 'must not be blank';
        }),
      ],
      execute: ({ params, input, repo }) => repo.update(params.authorId, input),
    });

    it('a missing entity and a failing rule → NotFound, and no rule ran', async () => {
      ruleRuns.length = 0;
      const error = await caught(() =>
        fx.kernel.invoke(UpdateAuthor, { params: { authorId: 999 }, payload: { name: ' ' } }),
      );
      expect(error).toBeInstanceOf(NotFound);
      expect(error).toMatchObject({ status: 404, entity: 'Author', id: 999 });
      expect(ruleRuns).toEqual([]);
    });

    it('an existing entity and the same failing rule → 422', async () => {
      const ada = await seedAuthor();
      const error = await caught(() =>
        fx.kernel.invoke(UpdateAuthor, { params: { authorId: ada.id }, payload: { name: ' ' } }),
      );
      expect(error).toBeInstanceOf(RuleViolations);
      expect(error).toMatchObject({
        status: 422,
        violations: [{ field: 'name', message: 'must not be blank' }],
      });
    });

    it('an exists(raise) also pre-empts the rules', async () => {
      const Strict = useCase(null, {
        params: { email: t.String() },
        input: RenameAuthor,
        load: { known: exists(Author, { from: 'email', against: 'email', onMissing: 'raise' }) },
        rules: ({ forbid }) => [forbid(() => true, 'always fails')],
        execute: () => 'ran',
      });
      await expect(
        fx.kernel.invoke(Strict, { params: { email: 'no@x.io' }, payload: {} }),
      ).rejects.toBeInstanceOf(NotFound);
    });
  });

  describe('what computes, rules and execute see', () => {
    it('loads reach computes and rules; execute gets params, input, load and the main repository', async () => {
      const ada = await seedAuthor();
      const Rename = useCase(Author, {
        params: { authorId: t.Integer() },
        input: RenameAuthor,
        load: {
          current: loadById(Author, { by: 'authorId' }),
          emailTaken: exists(Author, { from: 'input.email', against: 'email' }),
        },
        computes: ({ set }) => [
          set('name', ({ input, load }) => input.name ?? load.current.name.toUpperCase()),
        ],
        rules: ({ forbid }) => [
          forbid(
            ({ input, load }) => input.email !== load.current.email && load.emailTaken,
            'email already exists',
            {
              field: 'email',
            },
          ).whenPresent('email'),
        ],
        execute: ({ params, input, load, repo }) => {
          expectTypeOf(load.current).toEqualTypeOf<AuthorRow>();
          expect(repo.model).toBe(Author);
          return repo.update(params.authorId, input);
        },
      });
      const renamed = await fx.kernel.invoke(Rename, { params: { authorId: ada.id }, payload: {} });
      expect(renamed?.name).toBe('ADA');
      // Its own e-mail is not "taken".
      await expect(
        fx.kernel.invoke(Rename, { params: { authorId: ada.id }, payload: { email: 'ada@x.io' } }),
      ).resolves.toMatchObject({ email: 'ada@x.io' });
      await seedAuthor('bob@x.io', 'Bob');
      await expect(
        fx.kernel.invoke(Rename, { params: { authorId: ada.id }, payload: { email: 'bob@x.io' } }),
      ).rejects.toMatchObject({
        status: 422,
        violations: [{ field: 'email', message: 'email already exists' }],
      });
    });
  });
});
