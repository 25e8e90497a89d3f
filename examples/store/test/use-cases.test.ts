import { RuleViolations } from 'loom-kernel';
import {
  createTestApp,
  expectError,
  expectJson,
  expectProblem,
  runUseCase,
  type TestApp,
} from 'loom-kernel/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as manifest from '../src/manifest.ts';
import { RestockEmailCallbacks } from '../src/product/callbacks.ts';
import { SendRestockEmail } from '../src/product/jobs.ts';
import { Product } from '../src/product/model.ts';
import { CreateUserUseCase, UpdateUserUseCase } from '../src/user/use-cases.ts';

// The store's use cases, rules and job callbacks through the testing kit (loom-kernel/testing): the
// whole app in memory per test, no listening server. The HTTP contract itself is held by the scenario
// suite (scenarios/), which runs against real servers on every setup.

const ana = {
  id: 1,
  fullName: 'Ana',
  email: 'ana@example.com',
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe('store rules, without a database', () => {
  it('CreateUser: a taken email and a blank name are reported together', async () => {
    const error = await expectError(
      runUseCase(CreateUserUseCase, {
        payload: { fullName: ' ', email: 'ana@example.com' },
        load: { emailTaken: true },
      }),
      RuleViolations,
    );
    expect(error.violations.map((v) => v.field)).toEqual(['fullName', 'email']);
  });

  it('UpdateUser: keeping one’s own email is not "taken"', async () => {
    const updated = await runUseCase(UpdateUserUseCase, {
      params: { userId: 1 },
      payload: { email: 'ana@example.com' },
      load: { current: ana, emailTaken: true },
      repo: {
        update: async (_id, patch) => ({
          ...ana,
          email: typeof patch.email === 'string' ? patch.email : ana.email,
        }),
      },
    });
    expect(updated.email).toBe('ana@example.com');
  });
});

const DATABASES = [
  { dialect: 'sqlite', url: 'sqlite::memory:' },
  { dialect: 'postgres', url: process.env.LOOM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
] as const;

describe.each(DATABASES)('store on the testing kit ($dialect)', ({ url }) => {
  let app: TestApp;
  beforeEach(async () => {
    app = await createTestApp(manifest, {
      databaseUrl: url,
      config: { jobs: { overrides: { SendRestockEmail: { retries: 2 } } } },
    });
  });
  afterEach(() => app.close());

  const products = () =>
    app.factory(Product, (n) => ({
      sku: `SKU-${n}`,
      name: `Product ${n}`,
      category: 'cables',
      priceCents: 100 * n,
      stock: 0,
    }));

  it('POST /users twice with one email → 201, then a 422 naming email', async () => {
    const body = { full_name: 'Ana Demo', email: 'ana@example.com' };
    expect(expectJson<{ id: number }>(await app.post('/users/', body), 201).id).toBe(1);
    expectProblem(await app.post('/users/', body), {
      status: 422,
      code: 'LOOM_RULE_VIOLATIONS',
      fields: ['email'],
    });
  });

  it('restock email: the job runs after commit and its success callback marks the product', async () => {
    const product = await products().create();
    await app.post(`/products/${product.id}/jobs/restock-email`, { recipientEmail: 'qa@example.com' });
    expect(app.jobs.dispatched(SendRestockEmail)).toMatchObject([
      { params: { productId: product.id }, payload: { recipientEmail: 'qa@example.com' } },
    ]);
    expect(app.jobs.callbackRuns(RestockEmailCallbacks, 'onSuccess')).toHaveLength(1);
    expect((await app.entity(Product).get(product.id)).category).toBe('cables-restock-notified');
  });

  it('restock email failing every attempt: 1 + 2 retries, then onFailure marks the product', async () => {
    const product = await products().create();
    app.jobs.fail(SendRestockEmail);
    await app.post(`/products/${product.id}/jobs/restock-email`, { recipientEmail: 'qa@example.com' });
    expect(app.jobs.attempts(SendRestockEmail).map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    expect(app.jobs.callbackRuns(RestockEmailCallbacks, 'onFailure')).toHaveLength(1);
    expect((await app.entity(Product).get(product.id)).category).toBe('cables-restock-failed');
  });
});
