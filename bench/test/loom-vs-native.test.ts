/**
 * The apps of the benchmark do the same work: loom as users run it (`createApp` from
 * `loom/config/bench.yaml`), loom's bare kernel and the hand-written native app all listen for real on
 * one schema seeded for this test, receive the same requests of every scenario, and must answer the
 * same status and the same bytes (modulo `updatedAt` after a PATCH, set by each write, and the opaque
 * cursor tokens, which are followed instead) with the same number of SQL round trips per request,
 * BEGIN and COMMIT included. Statements are counted app-neutrally at `pg.Client#query`, which every app
 * reaches (native through `pg.Pool#query`, loom through Kysely), and cross-checked with loom's
 * `Database.onStatement`.
 */
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoomApp } from '../../packages/loom/test/support/internals.ts';
import { databaseUrl } from '../db-url.ts';
import { buildLoomApp, type LoomBenchApp } from '../loom/app.ts';
import { buildConfiguredLoomApp } from '../loom/app-from-config.ts';
import { buildNativeApp } from '../native/app.ts';
import { newUserBody, pricingBody, SCENARIOS, type ScenarioRequest, seededIds } from '../scenarios.ts';
import { dropSchema, seedBenchData } from '../seed.ts';
import { type Json, SCENARIO_SHAPES } from './scenario-shapes.ts';

const SCHEMA = `bench_cmp_${process.pid}`;
const url = databaseUrl();
let admin: pg.Client;
let native: FastifyInstance;
let kernel: LoomBenchApp;
let loom: LoomApp;
const base = { native: '', loom: '', kernel: '' };
type AppName = keyof typeof base;

/** SQL round trips per request of each scenario: one statement each, none without the database. */
const ROUND_TRIPS: Readonly<Record<string, number>> = {
  ping: 0,
  get_by_id_with_details: 1,
  list_cursor_no_count: 1,
  list_offset_with_count: 1,
  update_autocrud_plain: 1,
  pricing_preview_input_compute: 0,
  create_with_rules: 2,
};

/**
 * Scenarios whose round trips are not compared here: after a dispatch, the job runs in process and the
 * outbox is drained in the background of both apps, so statements cannot be told apart from the
 * request's by counting at the driver (by design: BEGIN, the record, the outbox row, COMMIT in both).
 */
const UNCOUNTED = new Set(['job_dispatch']);

/** Scenarios the bare kernel cannot serve (no job runtime without createApp). */
const KERNEL_SKIPS = new Set(['job_dispatch']);

/** Scenarios whose bodies hold a per-write timestamp or an opaque token: compared as JSON without it. */
const VOLATILE = new Set([
  'update_autocrud_plain',
  'list_cursor_no_count',
  'create_with_rules',
  'job_dispatch',
]);
/** The keys left out of a volatile scenario's comparison. */
const DROP: Readonly<Record<string, readonly string[]>> = {
  update_autocrud_plain: ['updatedAt'],
  list_cursor_no_count: ['nextCursor'],
  // Each app inserts its own row: the ids differ by construction.
  create_with_rules: ['id', 'email'],
  // Random job ids.
  job_dispatch: ['jobId'],
};

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly text: string;
  readonly json: Json;
  /** Statements sent while the request ran (pg.Client#query calls). */
  readonly statements: number;
  /** Statements loom's Database reported (loom only). */
  readonly loomStatements: number;
}

const clientQuery = vi.spyOn(pg.Client.prototype, 'query');

/**
 * The outbox relay of the createApp app polls its table in the background (a production default): its
 * statements are not the request's.
 */
const RELAY = /^(select .* from "loom_outbox"|delete from "loom_outbox"|DELETE FROM bench_outbox)/i;
const sqlOf = (arg: unknown): string =>
  typeof arg === 'string' ? arg : String((arg as { text?: unknown } | null)?.text ?? '');
const requestStatements = (from: number): number =>
  clientQuery.mock.calls.slice(from).filter((args) => !RELAY.test(sqlOf(args[0]))).length;

async function call(app: AppName, req: ScenarioRequest): Promise<Answer> {
  const init: RequestInit = { method: req.method };
  if (req.body !== undefined) {
    init.body = req.body;
    init.headers = { 'content-type': 'application/json' };
  }
  let loomStatements = 0;
  const db = app === 'kernel' ? kernel.db : loom.loom.db;
  const stop = db.onStatement((sql) => {
    if (!RELAY.test(sql)) loomStatements++;
  });
  const before = clientQuery.mock.calls.length;
  try {
    const res = await fetch(base[app] + req.path, init);
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      text,
      json: JSON.parse(text) as Json,
      statements: requestStatements(before),
      loomStatements,
    };
  } finally {
    stop();
  }
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return `http://127.0.0.1:${address.port}`;
}

/** A body without the keys that legitimately differ between two equivalent answers. */
function comparable(json: Json, drop: readonly string[]): Json {
  const out: Json = { ...json };
  for (const key of drop) delete out[key];
  return out;
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await seedBenchData(admin, { schema: SCHEMA });
  // Observability on (pino at warn: no lines in the test output), as in the benchmark.
  native = await buildNativeApp({ connectionString: url, schema: SCHEMA, poolMax: 4, logLevel: 'warn' });
  kernel = buildLoomApp({ connectionString: url, schema: SCHEMA, poolMax: 4 });
  // createApp reads DATABASE_URL and PG_POOL_MAX from the environment, as the benchmark starts it.
  const schemaUrl = new URL(url);
  schemaUrl.searchParams.set('options', `-c search_path=${SCHEMA}`);
  process.env.DATABASE_URL = schemaUrl.toString();
  process.env.PG_POOL_MAX = '4';
  loom = await buildConfiguredLoomApp({ logger: pino({ level: 'warn' }) });
  base.native = await listen(native);
  base.kernel = await listen(kernel.server);
  base.loom = await listen(loom);
});

afterAll(async () => {
  await native?.close();
  await kernel?.close();
  await loom?.close();
  clientQuery.mockRestore();
  await dropSchema(admin, SCHEMA);
  await admin.end();
});

describe('loom and native answer every scenario alike', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: same status, same JSON, ${ROUND_TRIPS[scenario.name] ?? 'uncounted'} round trip(s) each`, async () => {
      const ids = seededIds();
      for (const i of [0, 1, 2, 3, 4, 5, 47, 48, 95]) {
        const req = scenario.request(i, ids);
        const n = await call('native', req);
        const what = `${req.method} ${req.path} ${req.body ?? ''}`;
        expect(n.status, what).toBe(scenario.expectedStatus);
        const counted = !UNCOUNTED.has(scenario.name);
        if (counted) expect(n.statements, what).toBe(ROUND_TRIPS[scenario.name]);
        for (const app of ['loom', 'kernel'] as const) {
          if (app === 'kernel' && KERNEL_SKIPS.has(scenario.name)) continue;
          // A create needs an email of its own per app (the same one again is a 422).
          const l = await call(
            app,
            scenario.name === 'create_with_rules'
              ? { ...req, body: newUserBody(i, `${app}-${process.pid}`) }
              : req,
          );
          expect(l.status, `${app} ${what}`).toBe(n.status);
          expect(l.type, what).toContain('application/json');
          SCENARIO_SHAPES[scenario.name]?.(l.json);
          const drop = DROP[scenario.name] ?? [];
          if (VOLATILE.has(scenario.name))
            expect(comparable(l.json, drop), `${app} ${what}`).toEqual(comparable(n.json, drop));
          else expect(l.text, `${app} ${what}`).toBe(n.text);
          if (!counted) continue;
          expect(l.statements, `${app} ${what}`).toBe(n.statements);
          expect(l.loomStatements, what).toBe(l.statements);
        }
      }
    });
  }

  it('update_autocrud_plain: both move updatedAt forward and keep the other columns', async () => {
    const before = await call('native', { method: 'GET', path: '/bench/records/9' });
    const n = await call('native', {
      method: 'PATCH',
      path: '/bench/records/9',
      body: '{"email":"n9@example.com"}',
    });
    const l = await call('loom', {
      method: 'PATCH',
      path: '/bench/records/9',
      body: '{"email":"l9@example.com"}',
    });
    for (const answer of [n, l]) {
      expect(Date.parse(answer.json.updatedAt as string)).toBeGreaterThan(
        Date.parse(before.json.updatedAt as string),
      );
      expect(answer.json.createdAt).toBe(before.json.createdAt);
    }
    expect(comparable(l.json, ['updatedAt', 'email'])).toEqual(comparable(n.json, ['updatedAt', 'email']));
  });

  it('list_cursor_no_count: following each app its own nextCursor gives the same next pages', async () => {
    let afterN: string | null = null;
    let afterL: string | null = null;
    for (let page = 0; page < 4; page++) {
      const path = (after: string | null) =>
        `/bench/records?pagination=cursor&limit=25${after ? `&after=${after}` : ''}`;
      const n = await call('native', { method: 'GET', path: path(afterN) });
      const l = await call('loom', { method: 'GET', path: path(afterL) });
      expect(comparable(l.json, ['nextCursor'])).toEqual(comparable(n.json, ['nextCursor']));
      expect([n.statements, l.statements]).toEqual([1, 1]);
      afterN = n.json.nextCursor as string;
      afterL = l.json.nextCursor as string;
    }
  });

  it('pricing_preview_input_compute: the same figures for 400 request bodies', async () => {
    for (let i = 0; i < 400; i++) {
      const req = { method: 'POST', path: '/bench/pricing/preview', body: pricingBody(i) } as const;
      const [n, l] = [await call('native', req), await call('loom', req)];
      expect(l.json, req.body).toEqual(n.json);
    }
  });

  it('the same client errors: 404 for a missing record, 400 for a bad profile, 422 listing the same fields', async () => {
    const cases: ScenarioRequest[] = [
      { method: 'GET', path: '/bench/records/999999?profile=with_details' },
      { method: 'GET', path: '/bench/records/1?profile=everything' },
      { method: 'PATCH', path: '/bench/records/999999', body: '{"email":"a@b.co"}' },
      {
        method: 'POST',
        path: '/bench/pricing/preview',
        body: '{"email":"nope","country":"XX","unit_price":0,"quantity":0,"coupon_code":"FREE"}',
      },
    ];
    for (const req of cases) {
      const [n, l] = [await call('native', req), await call('loom', req)];
      expect(l.status, `${req.method} ${req.path}`).toBe(n.status);
      expect(l.type).toContain('application/problem+json');
    }
    const [n, l] = [await call('native', cases[3]!), await call('loom', cases[3]!)];
    const fields = (j: Json) => (j.violations as { field: string }[]).map((v) => v.field);
    expect(fields(l.json)).toEqual(fields(n.json));
  });
});
