import { createClient, isProblem, ProblemError } from 'loom-kernel/client';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { INTERFACES } from '../src/manifest.ts';
import { startSqliteStore } from './support/sqlite-setup.ts';
import type { StoreSetup } from './support/store-setup.ts';

// The store through loom-kernel/client: typed from the store's interfaces (a type-only import), no codegen.
describe('the typed client (loom-kernel/client) against the store', () => {
  let store: StoreSetup;
  let client: ReturnType<typeof createClient<typeof INTERFACES>>;
  beforeAll(async () => {
    store = await startSqliteStore();
    client = createClient<typeof INTERFACES>(store.api.baseUrl);
  });
  afterAll(() => store?.close());

  it('creates, gets and updates a user with typed params, bodies and results', async () => {
    const made = await client.post('/users', { body: { fullName: 'Ada', email: 'ada@client.test' } });
    expectTypeOf(made.email).toEqualTypeOf<string>();
    expectTypeOf(made.createdAt).toEqualTypeOf<string>();
    expect(made).toMatchObject({ fullName: 'Ada', email: 'ada@client.test', id: expect.any(Number) });
    const got = await client.get('/users/{userId}', { params: { userId: made.id } });
    expectTypeOf(got.id).toEqualTypeOf<number>();
    expect(got.email).toBe('ada@client.test');
    const renamed = await client.patch('/users/{userId}', {
      params: { userId: made.id },
      body: { fullName: 'Ada L.' },
    });
    expect(renamed.fullName).toBe('Ada L.');
    const product = await client.post('/products', {
      body: { sku: 'CL-1', name: 'Cup', category: 'kitchen', priceCents: 500, stock: 2 },
    });
    const fetched = await client.get('/products/{id}', { params: { id: product.id } });
    expect(fetched.sku).toBe('CL-1');
  });

  it('problem documents become typed errors', async () => {
    const error = await client
      .get('/users/{userId}', { params: { userId: 987_654 } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    const problem = (error as ProblemError).problem;
    expect(isProblem(problem)).toBe(true);
    expect(problem).toMatchObject({ status: 404, code: 'LOOM_NOT_FOUND', entity: 'User', id: 987_654 });
    const invalid = (await client
      .post('/users', { body: { fullName: 'x', email: 'not-an-email' } })
      .catch((e: unknown) => e)) as ProblemError;
    expect(invalid.status).toBe(422);
    expect(invalid.problem.violations).toEqual([{ field: 'email', message: 'email must be valid' }]);
  });

  it('iterates a list page after page in cursor mode, with filters', async () => {
    for (let i = 0; i < 5; i++)
      await client.post('/users', { body: { fullName: `Iter ${i}`, email: `iter-${i}@iter.test` } });
    const emails: string[] = [];
    for await (const u of client.items('/users', {
      query: { limit: 2, filter: { email__like: '%@iter.test' } },
    })) {
      expectTypeOf(u.email).toEqualTypeOf<string>();
      expectTypeOf(u.createdAt).toEqualTypeOf<string>();
      emails.push(u.email);
    }
    expect(emails).toEqual([0, 1, 2, 3, 4].map((i) => `iter-${i}@iter.test`));
  });

  it('a wrong path, param or body key does not compile', () => {
    // Type-checked by tsc (the suite's typecheck); never run.
    const neverRun = () => {
      // @ts-expect-error: no such route
      void client.get('/nowhere');
      // @ts-expect-error: the path param is userId, not id
      void client.get('/users/{userId}', { params: { id: 1 } });
      // @ts-expect-error: userId is a number
      void client.get('/users/{userId}', { params: { userId: 'one' } });
      // @ts-expect-error: CreateUser has no `name`
      void client.post('/users', { body: { name: 'Ada', email: 'a@b.co' } });
    };
    expect(typeof neverRun).toBe('function');
  });
});
