import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CommandPayload,
  column,
  command,
  computed,
  DeclarationError,
  internal,
  model,
  type PayloadOf,
  restInterface,
  route,
  t,
  useCase,
  withFields,
} from '../../src/index.ts';
import { createTestApp, expectJson, type TestApp } from '../../src/testing/index.ts';
import { DIALECTS, PG_URL } from '../support/dialects.ts';
import { collectDeclarations, Kernel, openDatabase } from '../support/internals.ts';

const Line = command(
  {
    unitPrice: t.Number(),
    quantity: t.Integer(),
    subtotal: computed(t.Number()),
    authorId: internal(t.Integer()),
  },
  { name: 'Line' },
);

const Note = model('server_owned_notes', {
  id: column.int().primaryKey().autoIncrement(),
  text: column.string(200),
  authorId: column.int(),
  length: column.int(),
});

const CreateNote = command(
  { text: t.String(), authorId: internal(t.Integer()), length: computed(t.Integer()) },
  { name: 'CreateNote' },
);

/** The compute sets `length`; execute sets `authorId` (as infrastructure would, from the request's user). */
const CreateNoteUseCase = useCase(Note, {
  name: 'createNote',
  input: CreateNote,
  computes: ({ set }) => [set('length', ({ input }) => input.text.length)],
  execute: ({ input, repo }) => {
    const withAuthor = withFields(input, { authorId: 7 });
    return repo.create({
      text: withAuthor.text,
      authorId: withAuthor.authorId ?? 0,
      length: input.length ?? 0,
    });
  },
});

const PriceLine = useCase(null, {
  name: 'priceLine',
  input: Line,
  readOnly: true,
  computes: ({ set }) => [set('subtotal', ({ input }) => input.unitPrice * input.quantity)],
  execute: ({ input }) => ({ subtotal: input.subtotal, authorId: input.authorId ?? null }),
});

const Api = restInterface(null, {
  prefix: '/server-owned',
  routes: [
    route.post('/price', PriceLine, { status: 200 }),
    route.post('/notes', CreateNoteUseCase, { status: 201 }),
  ],
});

describe('server-owned command fields: parsing and schema', () => {
  it('leaves computed and internal fields out of the wire schema', () => {
    expect(Object.keys(Line.$schema.properties)).toEqual(['unitPrice', 'quantity']);
    expect(Line.$fieldsByName.get('subtotal')?.serverOwned).toBe('computed');
    expect(Line.$fieldsByName.get('authorId')?.serverOwned).toBe('internal');
  });

  it('ignores a value a client sends for one, under either spelling', () => {
    const parsed = Line.parse({ unitPrice: 2, quantity: 3, subtotal: 1_000_000, author_id: 1, authorId: 1 });
    expect(parsed).toEqual({ unitPrice: 2, quantity: 3 });
    expect([...parsed.$fieldsSet]).toEqual(['unitPrice', 'quantity']);
  });

  it('types them: absent from the client payload, optional in the parsed input', () => {
    expectTypeOf<CommandPayload<typeof Line.$decl>>().toEqualTypeOf<{
      unitPrice: number;
      quantity: number;
    }>();
    expectTypeOf<PayloadOf<typeof Line>>().toEqualTypeOf<{ unitPrice: number; quantity: number }>();
    const payload: PayloadOf<typeof Line> = {
      unitPrice: 1,
      quantity: 1,
      // @ts-expect-error: a computed field is not the client's to send.
      subtotal: 5,
    };
    void payload;
    useCase(null, {
      input: Line,
      computes: ({ set }) => [set('subtotal', ({ input }) => input.unitPrice)],
      execute: ({ input }) => {
        expectTypeOf(input.subtotal).toEqualTypeOf<number | undefined>();
        expectTypeOf(input.authorId).toEqualTypeOf<number | undefined>();
      },
    });
  });

  it('fails the boot when no compute sets a computed field, or a compute sets an internal one', () => {
    const kernel = new Kernel({
      db: openDatabase({ dialect: 'sqlite', filename: ':memory:' }),
      cursorSecret: 'x'.repeat(16),
    });
    const unset = useCase(null, { name: 'unset', input: Line, execute: () => null });
    expect(() => kernel.compile([unset])).toThrow(DeclarationError);
    expect(() => kernel.compile([unset])).toThrow(/computed field "subtotal" is set by no compute/);
    const setsInternal = useCase(null, {
      name: 'setsInternal',
      input: Line,
      computes: ({ set }) => [set('subtotal', () => 1), set('authorId', () => 1)],
      execute: () => null,
    });
    expect(() => kernel.compile([setsInternal])).toThrow(/compute sets internal field "authorId"/);
    return kernel.db.close();
  });
});

describe.each(DIALECTS)('server-owned command fields over HTTP on %s', (dialect) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('a client sending computed or internal fields has them ignored; the server sets them', async () => {
    app = await createTestApp(
      collectDeclarations([
        ['Api', Api],
        ['PriceLine', PriceLine],
        ['CreateNoteUseCase', CreateNoteUseCase],
      ]),
      { databaseUrl: dialect === 'sqlite' ? 'sqlite::memory:' : PG_URL },
    );
    const priced = expectJson(
      await app.post('/server-owned/price', { unitPrice: 2.5, quantity: 4, subtotal: 1, authorId: 99 }),
      200,
    );
    expect(priced).toEqual({ subtotal: 10, authorId: null });

    const note = expectJson(
      await app.post('/server-owned/notes', { text: 'hello', authorId: 99, length: 1_000 }),
      201,
    );
    expect(note).toMatchObject({ text: 'hello', authorId: 7, length: 5 });

    const doc = (await app.get('/openapi.json')).json<{
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    }>();
    expect(Object.keys(doc.components.schemas.Line?.properties ?? {})).toEqual(['unitPrice', 'quantity']);
    expect(Object.keys(doc.components.schemas.CreateNote?.properties ?? {})).toEqual(['text']);
  });
});
