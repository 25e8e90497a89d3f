/**
 * Custom repositories built by a factory: the application's services and config injected, a model kept
 * outside SQL (no table), a custom read through the read cache with its own key and TTL, and per-model
 * cache TTLs from the `cache.ttl` config section.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  autoCrud,
  type CreateInput,
  column,
  defineServices,
  type Infer,
  model,
  provide,
  type ReadCache,
  repositoryFor,
  restInterface,
  route,
  SqlRepository,
  t,
  useCase,
} from '../../src/index.ts';
import { createTestApp, expectJson, type TestApp } from '../../src/testing/index.ts';
import { Journal, TestMailer, TestSections } from '../services/registry.ts';
import { DIALECTS, PG_URL } from '../support/dialects.ts';
import { collectDeclarations } from '../support/internals.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const admin = new Redis(REDIS_URL);
const prefixes: string[] = [];
afterAll(async () => {
  for (const p of prefixes) {
    const keys = await admin.keys(`${p}*`);
    if (keys.length > 0) await admin.del(...keys);
  }
  await admin.quit();
});

// A SQL model with a factory-built repository: services, config and a cached custom read.
const Widget = model('di_widgets', {
  id: column.int().primaryKey().autoIncrement(),
  sku: column.string(40).unique(),
  name: column.string(80),
});

class WidgetRepository extends SqlRepository<typeof Widget> {
  loads = 0;
  readonly cache: ReadCache;
  readonly journal: Journal;
  readonly sender: string;
  constructor(deps: { db: never; settings: never; cache: ReadCache; journal: Journal; sender: string }) {
    super(Widget, deps.db, deps.settings);
    this.cache = deps.cache;
    this.journal = deps.journal;
    this.sender = deps.sender;
  }
  /** A custom read opted into the cache with its own key and TTL. */
  bySku(sku: string): Promise<Infer<typeof Widget> | null> {
    return this.cache.read(`sku:${sku}`, { ttlSeconds: 42 }, () => {
      this.loads += 1;
      return this.getBy('sku', sku);
    });
  }
  override create(data: CreateInput<typeof Widget>) {
    this.journal.note(`widget ${data.sku} by ${this.sender}`);
    return super.create(data);
  }
}

const Widgets = repositoryFor(Widget, {
  create: ({ db, settings, cache, services, config }) =>
    new WidgetRepository({
      db: db as never,
      settings: settings as never,
      cache,
      journal: services.journal,
      sender: config.mailer.from,
    }),
});

const GetWidgetBySku = useCase(Widgets, {
  name: 'getWidgetBySku',
  params: { sku: t.String() },
  readOnly: true,
  execute: async ({ params, repo }) => {
    expectTypeOf(repo).toEqualTypeOf<WidgetRepository>();
    return { widget: await repo.bySku(params.sku), loads: repo.loads };
  },
});

// A model kept outside SQL: its rows live in an app service.
const Rate = model('di_rates', {
  id: column.int().primaryKey().autoIncrement(),
  currency: column.string(3),
  perEuro: column.float(),
});
type RateRow = Infer<typeof Rate>;

class RateBook {
  readonly rows = new Map<number, RateRow>();
  next = 1;
}

/** Enough of a repository for auto-CRUD get, create and list over a Map. */
function rateRepository(book: RateBook) {
  const page = (items: RateRow[], pageNo: number, limit: number) => ({
    items: items.slice((pageNo - 1) * limit, pageNo * limit),
    totalCount: items.length,
    page: pageNo,
    limit,
    hasNext: pageNo * limit < items.length,
  });
  return {
    model: Rate,
    async create(data: CreateInput<typeof Rate>) {
      const row = { id: book.next++, currency: data.currency, perEuro: data.perEuro };
      book.rows.set(row.id, row);
      return row;
    },
    async getById(id: unknown) {
      return book.rows.get(Number(id)) ?? null;
    },
    async getBy(field: keyof RateRow, value: unknown) {
      return [...book.rows.values()].find((r) => r[field] === value) ?? null;
    },
    async exists(field: keyof RateRow, value: unknown) {
      return [...book.rows.values()].some((r) => r[field] === value);
    },
    async update(id: unknown, patch: Partial<RateRow>) {
      const row = book.rows.get(Number(id));
      if (!row) return null;
      const next = { ...row, ...patch };
      book.rows.set(row.id, next);
      return next;
    },
    async delete(id: unknown) {
      return book.rows.delete(Number(id));
    },
    async count() {
      return book.rows.size;
    },
    async list(query: { pagination: { mode: string; page?: number; limit: number } }) {
      return page([...book.rows.values()], query.pagination.page ?? 1, query.pagination.limit);
    },
  };
}

declare module '../../src/index.ts' {
  interface AppServices {
    rateBook: RateBook;
  }
}

const Rates = repositoryFor(Rate, {
  create: ({ services }) => rateRepository(services.rateBook) as never,
  table: false,
});

const Api = [
  restInterface(Widget, {
    prefix: '/widgets',
    routes: [route.get('/by-sku/{sku}', GetWidgetBySku), ...autoCrud(Widget)],
  }),
  restInterface(Rate, { prefix: '/rates', routes: [...autoCrud(Rate)] }),
];

const declarations = () =>
  collectDeclarations([
    ['Widgets', Widgets],
    ['Rates', Rates],
    ['GetWidgetBySku', GetWidgetBySku],
    ['WidgetApi', Api[0]],
    ['RateApi', Api[1]],
  ]);

describe.each(DIALECTS)('custom repositories with DI on %s', (dialect) => {
  const url = dialect === 'sqlite' ? 'sqlite::memory:' : PG_URL;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  async function boot(journal: Journal, book: RateBook, cache: Record<string, unknown>) {
    const prefix = `loom-test:repo-di:${randomBytes(4).toString('hex')}:`;
    prefixes.push(prefix);
    app = await createTestApp(declarations(), {
      databaseUrl: url,
      configSections: TestSections,
      config: {
        mailer: { from: 'ops@example.com' },
        cache: { keyPrefix: prefix, redisUrl: REDIS_URL, ...cache },
      },
      services: defineServices({
        journal: provide.value(journal),
        mailer: provide.app(({ services }) => new TestMailer('x@y.z', services.journal)),
        audit: provide.call(() => {
          throw new Error('not used here');
        }),
        rateBook: provide.value(book),
      }),
    });
    return { app, prefix };
  }

  it('a factory gets the services and the config', async () => {
    const journal = new Journal();
    const { app } = await boot(journal, new RateBook(), {});
    expectJson(await app.post('/widgets', { sku: 'w-1', name: 'Bolt' }), 201);
    expect(journal.entries).toEqual(['widget w-1 by ops@example.com']);
  });

  it('a model kept outside SQL: auto-CRUD over an app service, and no table created', async () => {
    const book = new RateBook();
    const { app } = await boot(new Journal(), book, {});
    const created = expectJson<RateRow>(await app.post('/rates', { currency: 'USD', perEuro: 1.08 }), 201);
    expect(book.rows.get(created.id)).toEqual({ id: created.id, currency: 'USD', perEuro: 1.08 });
    expect(expectJson<RateRow>(await app.get(`/rates/${created.id}`))).toEqual(created);
    expect(expectJson<{ totalCount: number }>(await app.get('/rates')).totalCount).toBe(1);
    await expect(sql`select count(*) from di_rates`.execute(app.db.kysely)).rejects.toThrow();
    await expect(sql`select count(*) from di_widgets`.execute(app.db.kysely)).resolves.toBeDefined();
  });

  it('a custom read opts into the cache with its own key and TTL, invalidated by writes', async () => {
    const { app, prefix } = await boot(new Journal(), new RateBook(), {
      enabled: true,
      backend: 'redis',
      ttl: { di_widgets: 7, di_widgets_list: 3 },
    });
    const w = expectJson<{ id: number }>(await app.post('/widgets', { sku: 'w-2', name: 'Nut' }), 201);
    const first = expectJson<{ widget: { name: string }; loads: number }>(
      await app.get('/widgets/by-sku/w-2'),
    );
    const second = expectJson<{ widget: { name: string }; loads: number }>(
      await app.get('/widgets/by-sku/w-2'),
    );
    expect([first.loads, second.loads]).toEqual([1, 1]);
    expect(second.widget.name).toBe('Nut');

    expectJson(await app.patch(`/widgets/${w.id}`, { name: 'Hex nut' }));
    const third = expectJson<{ widget: { name: string }; loads: number }>(
      await app.get('/widgets/by-sku/w-2'),
    );
    expect(third).toMatchObject({ loads: 2, widget: { name: 'Hex nut' } });

    // TTLs as stored in Redis: the custom read's 42 s, and `cache.ttl` from config for getById and lists.
    expectJson(await app.get(`/widgets/${w.id}`));
    expectJson(await app.get('/widgets'));
    const ttlOf = async (pattern: string) => {
      const keys = await admin.keys(`${prefix}*${pattern}*`);
      expect(keys.length).toBeGreaterThan(0);
      return Math.max(...(await Promise.all(keys.map((k) => admin.pttl(k)))));
    };
    const custom = await ttlOf(':custom:sku:w-2');
    expect(custom).toBeGreaterThan(7_000);
    expect(custom).toBeLessThanOrEqual(42_000);
    const byId = await ttlOf(':id:');
    expect(byId).toBeGreaterThan(3_000);
    expect(byId).toBeLessThanOrEqual(7_000);
    const list = await ttlOf(':list:');
    expect(list).toBeLessThanOrEqual(3_000);
  });
});
