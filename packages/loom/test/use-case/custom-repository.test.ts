/**
 * Custom repositories (`repositoryFor`): registered on the kernel, one replaces the default repository
 * for every use case of its model — auto-CRUD, loads, `ctx.repos` — and a use case declared on the
 * binding gets the added methods typed.
 */
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import {
  type CreateInput,
  column,
  DeclarationError,
  type FieldName,
  type Infer,
  Kernel,
  load,
  model,
  openDatabase,
  type ReadOptions,
  repositoryFor,
  SqlRepository,
  t,
  useCase,
} from '../support/internals.ts';
import { CURSOR_SECRET, useKernel } from './kernel-fixture.ts';

const Product = model('products', {
  id: column.int().primaryKey().autoIncrement(),
  sku: column.string(32).unique(),
  name: column.string(80),
  stock: column.int().default(0),
});
type ProductRow = Infer<typeof Product>;

/** Trims names on create and finds products by SKU. */
class ProductRepository extends SqlRepository<typeof Product> {
  readonly lookups: string[] = [];
  override create(data: CreateInput<typeof Product>) {
    return super.create({ ...data, name: data.name.trim() });
  }
  override getBy<F extends FieldName<typeof Product>>(field: F, value: ProductRow[F], options?: ReadOptions) {
    this.lookups.push(`${field}=${String(value)}`);
    return super.getBy(field, value, options);
  }
  getBySku(sku: string): Promise<ProductRow | null> {
    return this.getBy('sku', sku);
  }
}
const Products = repositoryFor(Product, ProductRepository);

/** Another repository for the same model: registering both is an error. */
class ShoutingProductRepository extends SqlRepository<typeof Product> {
  override create(data: CreateInput<typeof Product>) {
    return super.create({ ...data, name: data.name.toUpperCase() });
  }
}

/** Ledger entries are written in pairs: a custom create that issues two statements. */
const Entry = model('entries', {
  id: column.int().primaryKey().autoIncrement(),
  ref: column.string(40).unique(),
  amount: column.int(),
});
class DoubleEntryRepository extends SqlRepository<typeof Entry> {
  readonly inTransaction: boolean[] = [];
  override async create(data: CreateInput<typeof Entry>) {
    this.inTransaction.push(this.db.inTransaction());
    const entry = await super.create(data);
    await super.create({ ref: `${data.ref}-mirror`, amount: -data.amount });
    return entry;
  }
}
const Entries = repositoryFor(Entry, DoubleEntryRepository);

const GetBySku = useCase(Products, {
  name: 'GetBySku',
  params: { sku: t.String() },
  readOnly: true,
  execute: ({ params, repo }) => {
    expectTypeOf(repo).toEqualTypeOf<ProductRepository>();
    expectTypeOf(repo.getBySku).returns.resolves.toEqualTypeOf<ProductRow | null>();
    return repo.getBySku(params.sku);
  },
});

describe.each(DIALECTS)('custom repositories on %s', (dialect) => {
  describe('registered on the kernel', () => {
    const fx = useKernel(dialect, [Product, Entry], { repositories: [Products, Entries] });

    it('auto-CRUD create (kernel.entity) goes through it: the name is trimmed', async () => {
      const pen = await fx.kernel.entity(Product).create({ sku: 'P-1', name: '  Pen  ' });
      expect(pen).toMatchObject({ sku: 'P-1', name: 'Pen', stock: 0 });
      expect(fx.kernel.repository(Product)).toBeInstanceOf(ProductRepository);
      expect(fx.kernel.repository(Product)).toBe(fx.kernel.repository(Product));
    });

    it('a use case declared on the binding gets repo.getBySku', async () => {
      await fx.kernel.entity(Product).create({ sku: 'P-2', name: 'Ink' });
      await expect(fx.kernel.invoke(GetBySku, { params: { sku: 'P-2' } })).resolves.toMatchObject({
        name: 'Ink',
      });
      await expect(fx.kernel.invoke(GetBySku, { params: { sku: 'none' } })).resolves.toBeNull();
    });

    it('use cases declared on the plain model, their loads and ctx.repos use it too', async () => {
      const Rename = useCase(Product, {
        params: { sku: t.String() },
        load: { product: load(Product, { from: 'sku', against: 'sku' }) },
        execute: ({ load, repo, repos }) => {
          expect(repo).toBeInstanceOf(ProductRepository);
          expect(repos(Product)).toBe(repo);
          return repo.create({ sku: `${load.product.sku}-copy`, name: ` ${load.product.name} copy ` });
        },
      });
      await fx.kernel.entity(Product).create({ sku: 'P-3', name: 'Pad' });
      const copy = await fx.kernel.invoke(Rename, { params: { sku: 'P-3' } });
      expect(copy.name).toBe('Pad copy');
      expect((fx.kernel.repository(Product) as ProductRepository).lookups).toEqual(['sku=P-3']);
    });

    it('auto-CRUD create through a multi-statement custom create is atomic', async () => {
      // A row that makes the second statement of the next create fail.
      await new SqlRepository(Entry, fx.db, { cursorSecret: CURSOR_SECRET }).create({
        ref: 'E-1-mirror',
        amount: 0,
      });
      await expect(fx.kernel.entity(Entry).create({ ref: 'E-1', amount: 10 })).rejects.toMatchObject({
        status: 409,
      });
      const repo = fx.kernel.repository(Entry) as DoubleEntryRepository;
      expect(repo.inTransaction).toEqual([true]);
      const page = await fx.kernel.entity(Entry).list();
      expect(page.items.map((e) => e.ref)).toEqual(['E-1-mirror']);
    });
  });

  describe('write methods declared single-statement (decision 0042)', () => {
    const Note = model('notes', {
      id: column.int().primaryKey().autoIncrement(),
      body: column.string(80),
    });
    class NoteRepository extends SqlRepository<typeof Note> {}
    const Notes = repositoryFor(Note, NoteRepository, { singleStatement: ['update', 'delete'] });
    const fx = useKernel(dialect, [Note], { repositories: [Notes] });

    const statementsOf = async (fn: () => Promise<unknown>): Promise<string[]> => {
      const seen: string[] = [];
      const stop = fx.db.onStatement((sql) => seen.push(sql.trim().split(/\s+/)[0]?.toLowerCase() ?? ''));
      try {
        await fn();
      } finally {
        stop();
      }
      return seen;
    };

    it('auto-CRUD update and delete through them send one statement, no BEGIN/COMMIT', async () => {
      const note = await fx.kernel.entity(Note).create({ body: 'a' });
      expect(await statementsOf(() => fx.kernel.entity(Note).update(note.id, { body: 'b' }))).toEqual([
        'update',
      ]);
      expect(await statementsOf(() => fx.kernel.entity(Note).delete(note.id))).toEqual(['delete']);
    });

    it('an undeclared method (create) keeps its transaction', async () => {
      const seen = await statementsOf(() => fx.kernel.entity(Note).create({ body: 'c' }));
      expect(seen[0]).toBe('begin');
      expect(seen.at(-1)).toBe('commit');
      expect(seen.filter((s) => s === 'insert')).toHaveLength(1);
    });
  });

  describe('declared only through a use case on the binding', () => {
    const fx = useKernel(dialect, [Product]);

    it('compiling that use case registers the repository for the whole model', async () => {
      fx.kernel.compile([GetBySku]);
      const pen = await fx.kernel.entity(Product).create({ sku: 'P-1', name: ' Pen ' });
      expect(pen.name).toBe('Pen');
    });

    it('after the default repository was used, it is a boot error naming the use case', async () => {
      await fx.kernel.entity(Product).create({ sku: 'P-1', name: ' Pen ' });
      expect(() => fx.kernel.compile([GetBySku])).toThrow(DeclarationError);
      expect(() => fx.kernel.compile([GetBySku])).toThrow(
        /^GetBySku: Product: repository registered after it was first used/,
      );
    });
  });
});

describe('two repositories for one model', () => {
  // Nothing here touches the database.
  const db = openDatabase({ dialect: 'sqlite', filename: ':memory:' });
  afterAll(() => db.close());

  it('registering two different ones is a DeclarationError naming the model and both classes', () => {
    const make = () =>
      new Kernel({
        db,
        cursorSecret: 'x-secret',
        repositories: [Products, repositoryFor(Product, ShoutingProductRepository)],
      });
    expect(make).toThrow(DeclarationError);
    expect(make).toThrow(
      'Product: two repositories registered: ProductRepository and ShoutingProductRepository',
    );
  });

  it('the same repository twice (two repositoryFor calls) is fine', () => {
    const kernel = new Kernel({
      db,
      cursorSecret: 'x-secret',
      repositories: [Products, repositoryFor(Product, ProductRepository)],
    });
    kernel.compile([GetBySku]);
    expect(kernel.repository(Product)).toBeInstanceOf(ProductRepository);
    // Registering again after use is a no-op, not an error.
    expect(() => kernel.registerRepository(Products)).not.toThrow();
  });

  it('a use case declared on another repository of a registered model fails at boot, naming it', () => {
    const kernel = new Kernel({ db, cursorSecret: 'x-secret', repositories: [Products] });
    const Shout = useCase(repositoryFor(Product, ShoutingProductRepository), {
      name: 'ShoutProduct',
      execute: () => null,
    });
    expect(() => kernel.compile([Shout])).toThrow(DeclarationError);
    expect(() => kernel.compile([Shout])).toThrow(
      'ShoutProduct: Product: two repositories registered: ProductRepository and ShoutingProductRepository',
    );
  });
});
