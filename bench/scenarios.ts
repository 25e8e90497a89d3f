/**
 * The six scenarios of dummy-loom's benchmark (reference/loom-py-bench-on-this-machine.md §4, §5), with the
 * same requests: `i` is the per-client request counter (0, 1, 2, …), `randomId()` draws a record id
 * uniformly in 1..100 from a seeded generator. Each scenario carries the TypeScript generator (used with
 * autocannon) and the equivalent wrk Lua body (appended to `wrk/common.lua` by the driver).
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH';

export interface ScenarioRequest {
  readonly method: HttpMethod;
  readonly path: string;
  /** JSON text; sent with `Content-Type: application/json`. */
  readonly body?: string;
}

export interface Scenario {
  readonly name: string;
  /** What the scenario measures, for RESULTS.md and the README. */
  readonly measures: string;
  readonly method: HttpMethod;
  /** The path as a template, for display. */
  readonly path: string;
  readonly expectedStatus: number;
  /** Request number `i` of one client. */
  request(i: number, randomId: () => number): ScenarioRequest;
  /** wrk Lua: sets `wrk.method/path` or defines `request()`, using `counter` from common.lua. */
  readonly lua: string;
}

export const RECORD_ID_MAX = 100;
export const PAGE_SIZE = 25;
/** ceil(1200 records / 25): offset pages cycle 1..48. */
export const OFFSET_PAGES = 48;
export const RANDOM_SEED = 20260301;

const COUNTRIES = ['US', 'ES', 'DE', 'FR'] as const;
const COUPONS = ['null', '"VIP5"', '"WELCOME10"', '"SHIPFREE"'] as const;

/** Distinguishes the users one process creates from another's (emails are unique). */
const RUN_TOKEN = `${Date.now().toString(36)}${process.pid.toString(36)}`;

/** The body of the `i`-th `POST /bench/users` of this process: a fresh email each time. */
export function newUserBody(i: number, run: string = RUN_TOKEN): string {
  return `{"fullName":"New User ${i}","email":"new-${run}-${i}@example.com"}`;
}

/** The pricing body of request `i`, byte for byte what the Lua script sends (snake_case, `%.1f` floats). */
export function pricingBody(i: number): string {
  return (
    `{"email":" User${i}@Example.Com ","country":"${COUNTRIES[i % 4]}","unit_price":${((i % 90) + 10).toFixed(1)},` +
    `"quantity":${(i % 5) + 1},"discount_pct":${(i % 20).toFixed(1)},"coupon_code":${COUPONS[i % 4]},` +
    `"vip":${i % 2 === 0}}`
  );
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'ping',
    measures: 'HTTP stack and JSON serialization only, no database',
    method: 'GET',
    path: '/bench/ping',
    expectedStatus: 200,
    request: () => ({ method: 'GET', path: '/bench/ping' }),
    lua: `wrk.method = "GET"\nwrk.path = "/bench/ping"\n`,
  },
  {
    name: 'get_by_id_with_details',
    measures: 'one record by id with its owner (many-to-one), its notes (one-to-many) and three projections',
    method: 'GET',
    path: '/bench/records/{id}?profile=with_details',
    expectedStatus: 200,
    request: (_i, randomId) => ({ method: 'GET', path: `/bench/records/${randomId()}?profile=with_details` }),
    lua: `function request()
  counter = counter + 1
  local id = math.random(1, ${RECORD_ID_MAX})
  return wrk.format("GET", "/bench/records/" .. id .. "?profile=with_details")
end
`,
  },
  {
    name: 'list_cursor_no_count',
    measures: 'first keyset page of 25 records with hasNotes, no total count',
    method: 'GET',
    path: `/bench/records?pagination=cursor&limit=${PAGE_SIZE}`,
    expectedStatus: 200,
    request: () => ({ method: 'GET', path: `/bench/records?pagination=cursor&limit=${PAGE_SIZE}` }),
    lua: `wrk.method = "GET"\nwrk.path = "/bench/records?pagination=cursor&limit=${PAGE_SIZE}"\n`,
  },
  {
    name: 'list_offset_with_count',
    measures: 'offset page of 25 records (pages 1..48 in turn) with hasNotes and the total count',
    method: 'GET',
    path: `/bench/records?pagination=offset&page={(i % ${OFFSET_PAGES}) + 1}&limit=${PAGE_SIZE}`,
    expectedStatus: 200,
    request: (i) => ({
      method: 'GET',
      path: `/bench/records?pagination=offset&page=${(i % OFFSET_PAGES) + 1}&limit=${PAGE_SIZE}`,
    }),
    lua: `function request()
  local i = counter
  counter = counter + 1
  local page = (i % ${OFFSET_PAGES}) + 1
  return wrk.format("GET", "/bench/records?pagination=offset&page=" .. page .. "&limit=${PAGE_SIZE}")
end
`,
  },
  {
    name: 'update_autocrud_plain',
    measures: 'PATCH of one field through the auto-CRUD update: body validation, one UPDATE … RETURNING',
    method: 'PATCH',
    path: '/bench/records/{id}',
    expectedStatus: 200,
    request: (i, randomId) => {
      const id = randomId();
      return {
        method: 'PATCH',
        path: `/bench/records/${id}`,
        body: `{"email":"record-${id}-${i}@example.com"}`,
      };
    },
    lua: `local hdrs = { ["Content-Type"] = "application/json" }
function request()
  local i = counter
  counter = counter + 1
  local id = math.random(1, ${RECORD_ID_MAX})
  local body = '{"email":"record-' .. id .. '-' .. i .. '@example.com"}'
  return wrk.format("PATCH", "/bench/records/" .. id, hdrs, body)
end
`,
  },
  {
    name: 'pricing_preview_input_compute',
    measures: 'snake_case body parsing, ten computes on computed fields and five rules, no database',
    method: 'POST',
    path: '/bench/pricing/preview',
    expectedStatus: 200,
    request: (i) => ({ method: 'POST', path: '/bench/pricing/preview', body: pricingBody(i) }),
    lua: `local hdrs = { ["Content-Type"] = "application/json" }
local countries = { "US", "ES", "DE", "FR" }
local coupons = { "null", '"VIP5"', '"WELCOME10"', '"SHIPFREE"' }
function request()
  local i = counter
  counter = counter + 1
  local body = string.format(
    '{"email":" User%d@Example.Com ","country":"%s","unit_price":%.1f,"quantity":%d,"discount_pct":%.1f,"coupon_code":%s,"vip":%s}',
    i, countries[(i % 4) + 1], (i % 90) + 10, (i % 5) + 1, i % 20, coupons[(i % 4) + 1],
    (i % 2 == 0) and "true" or "false")
  return wrk.format("POST", "/bench/pricing/preview", hdrs, body)
end
`,
  },
  {
    name: 'create_with_rules',
    measures:
      'POST of a new user: body validation, two rules and a unique check (one SELECT), one INSERT … RETURNING, 201',
    method: 'POST',
    path: '/bench/users',
    expectedStatus: 201,
    request: (i) => ({ method: 'POST', path: '/bench/users', body: newUserBody(i) }),
    // os.time() per wrk process: the warm-up and each measured run create distinct emails.
    lua: `local hdrs = { ["Content-Type"] = "application/json" }
local run = string.format("%x-%d", os.time(), math.floor(os.clock() * 1000000))
function request()
  local i = counter
  counter = counter + 1
  local body = '{"fullName":"New User ' .. i .. '","email":"new-' .. run .. '-' .. i .. '@example.com"}'
  return wrk.format("POST", "/bench/users", hdrs, body)
end
`,
  },
  {
    name: 'job_dispatch',
    measures:
      'POST dispatching a job: the record checked (404), the message written to the outbox in the request transaction, 202; the job then runs in process',
    method: 'POST',
    path: '/bench/records/{id}/jobs/touch',
    expectedStatus: 202,
    request: (_i, randomId) => ({
      method: 'POST',
      path: `/bench/records/${randomId()}/jobs/touch`,
      body: '{}',
    }),
    lua: `local hdrs = { ["Content-Type"] = "application/json" }
function request()
  counter = counter + 1
  local id = math.random(1, ${RECORD_ID_MAX})
  return wrk.format("POST", "/bench/records/" .. id .. "/jobs/touch", hdrs, "{}")
end
`,
  },
];

/** A small seeded PRNG (mulberry32) for record ids in the autocannon client and the tests. */
export function seededIds(seed: number = RANDOM_SEED, max: number = RECORD_ID_MAX): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return 1 + Math.floor(unit * max);
  };
}
