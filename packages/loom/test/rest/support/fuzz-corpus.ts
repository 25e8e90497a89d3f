import { METHODS } from 'node:http';
import { FILTER_OPERATORS } from '../../../src/repository/query-spec.ts';

/** A small deterministic PRNG (mulberry32): the same seed gives the same requests on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  return { next, int, pick };
}

/** One generated request: method, raw path with query, headers, optional body. */
export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer;
}

/** The body limit of the fuzzed server: some generated bodies exceed it. */
export const BODY_LIMIT = 16 * 1024;
const IDS = [
  '1',
  '0',
  '-1',
  '1.5',
  '1e3',
  '99999999999999999999',
  '9'.repeat(400),
  'NaN',
  'abc',
  '%20',
  '%00',
  "1'--",
  '0x10',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
];
const FIELDS = [
  'id',
  'name',
  'sku',
  'price',
  'stock',
  'active',
  'launchedAt',
  'launched_at',
  'category',
  'notes',
  'colour',
  '__proto__',
  'constructor',
  '',
  'price__gte',
  'a[b]',
];
// Every operator of the grammar, then some it does not have.
const OPS = [...FILTER_OPERATORS, 'between', 'EQ', '', 'regex'];
const VALUES = [
  '1',
  '-1',
  '0',
  '1.5',
  'abc',
  '',
  'true',
  'null',
  '%25',
  '1,2,,3',
  '2026-13-45',
  '9'.repeat(30),
  "'; drop table products; --",
  '\u00e9\u4e2d',
  'a\u0000b',
  '\u0000',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '9223372036854775808',
  '2026-02-30',
  '-200000-01-01T00:00:00Z',
];
const RESERVED = ['page', 'limit', 'pagination', 'after', 'cursor', 'sort', 'direction', 'profile'];
const RESERVED_VALUES = [
  '0',
  '-3',
  '1001',
  '1e9',
  'Infinity',
  'NaN',
  '0x10',
  'cursor',
  'OFFSET',
  'bogus',
  'desc,asc,desc',
  'price,price',
  'eyJpZCI6IDJ9',
  'a.b',
  '.',
  'x'.repeat(3000),
];
const PATHS = [
  '/users',
  '/users/{id}',
  '/products',
  '/products/{id}',
  '/products/{id}/restock',
  '/users/{id}/addresses',
  '/products/low-stock',
  '/products/offset-only',
  '/products/{id}/card',
  '/products/{id}/maybe',
  '/errors/{id}',
  '/ping',
  '/openapi.json',
  '//users',
  '/users/../products',
  '/users/%2F1',
  '/nope/{id}',
  '/users/{id}/addresses/{id}',
  '/docs/{id}',
];
const ROUTES: readonly (readonly [string, string])[] = [
  ['POST', '/users'],
  ['GET', '/users'],
  ['GET', '/users/{id}'],
  ['PATCH', '/users/{id}'],
  ['DELETE', '/users/{id}'],
  ['POST', '/products'],
  ['GET', '/products'],
  ['PATCH', '/products/{id}'],
  ['POST', '/products/{id}/restock'],
  ['POST', '/users/{id}/addresses'],
  ['GET', '/users/{id}/addresses'],
  ['GET', '/products/offset-only'],
  ['GET', '/products/low-stock'],
];
const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/merge-patch+json',
  'application/octet-stream',
  '',
];

/**
 * A deterministic corpus of malformed requests: mostly real routes with bad inputs (bad JSON, wrong
 * types, unknown fields and operators, absurd limits, garbage and forged cursors built from `cursor`,
 * huge ids, oversized bodies, odd content types, NUL in values and keys, int32/int64 edges, deep
 * nesting, arrays beyond the default bound, far too many query parameters), some random method/path
 * pairs.
 */
export function generate(seed: number, count: number, cursor: string): FuzzRequest[] {
  const r = prng(seed);
  const methods = METHODS.filter((m) => m !== 'CONNECT');
  const query = (many: boolean) => {
    const parts: string[] = [];
    // Now and then far more parameters than the server allows.
    for (let i = 0, n = many && r.next() < 0.1 ? 150 + r.int(100) : r.int(5); i < n; i++) {
      if (r.next() < 0.5) {
        const key = r.pick(RESERVED);
        const value =
          r.next() < 0.2
            ? cursor.slice(0, r.int(cursor.length)) + r.pick(['', 'x', 'A.', '='])
            : r.pick(RESERVED_VALUES);
        parts.push(`${key}=${encodeURIComponent(value)}`);
      } else {
        const op = r.pick(OPS);
        parts.push(
          `${encodeURIComponent(r.pick(FIELDS) + (op ? `__${op}` : ''))}=${encodeURIComponent(r.pick(VALUES))}`,
        );
      }
    }
    return parts.length ? `?${parts.join('&')}` : '';
  };
  const jsonValue = (depth: number): unknown => {
    const k = r.int(depth > 2 ? 6 : 8);
    if (k === 6) return [jsonValue(depth + 1)];
    if (k === 7) return { nested: jsonValue(depth + 1) };
    return [
      r.pick([r.int(1e6), 2147483647, 2147483648, -2147483649, 2 ** 53, 2 ** 63, 1e20]),
      -1.5e308,
      r.pick(['x'.repeat(r.int(300)), 'a\u0000b', '\u0000', '9999-12-31T23:59:60Z']),
      null,
      true,
      '',
    ][k];
  };
  const body = (): string | Buffer => {
    switch (r.int(12)) {
      case 9:
        // Deep nesting inside a declared field, within the body limit.
        return `{"name":${'['.repeat(BODY_LIMIT / 4)}${']'.repeat(BODY_LIMIT / 4)},"sku":"D","price":1,"stock":1}`;
      case 10:
        // A huge array (more items than any default bound) in a declared field.
        return JSON.stringify({
          name: 'A',
          sku: 'A',
          price: 1,
          stock: Array.from({ length: 3000 }, (_, i) => i),
        });
      case 11:
        // NUL in a key and a value.
        return '{"name":"a\\u0000","sku\\u0000":"x","price":1,"stock":1}';
      case 0:
        return '{"name": ';
      case 1:
        return '['.repeat(5000) + ']'.repeat(4999);
      case 2:
        return Buffer.from(Array.from({ length: 64 }, () => r.int(256)));
      case 3:
        return JSON.stringify({ pad: 'x'.repeat(BODY_LIMIT + r.int(BODY_LIMIT)) });
      case 4:
        return r.pick([
          'null',
          '[]',
          '"text"',
          '1e999',
          '{}',
          'true',
          '{"__proto__": {"admin": true}}',
          '{"constructor": {"prototype": {}}}',
        ]);
      default: {
        const obj: Record<string, unknown> = {};
        for (const f of [
          'name',
          'sku',
          'price',
          'stock',
          'full_name',
          'fullName',
          'email',
          'quantity',
          'street',
          'city',
          'id',
          'createdAt',
          'colour',
        ]) {
          if (r.next() < 0.5) obj[f] = jsonValue(0);
        }
        return JSON.stringify(obj);
      }
    }
  };
  const out: FuzzRequest[] = [];
  for (let i = 0; i < count; i++) {
    // Mostly real routes with bad inputs, some random method/path pairs.
    const [method, template] = r.next() < 0.7 ? r.pick(ROUTES) : [r.pick(methods), r.pick(PATHS)];
    const path =
      template.replaceAll('{id}', () => (r.next() < 0.4 ? '1' : r.pick(IDS))) + query(method === 'GET');
    const headers: Record<string, string> = {};
    if (r.next() < 0.3) headers['x-request-id'] = r.pick(['fuzz', 'x'.repeat(200), 'a b', '', '../../etc']);
    let payload: string | Buffer | undefined;
    if (method !== 'GET' && method !== 'HEAD' && r.next() < 0.9) {
      payload = body();
      const type = r.pick(CONTENT_TYPES);
      if (type) headers['content-type'] = type;
      // Node's client sends no length for a body on DELETE or unusual methods unless told to.
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    out.push({ method, path, headers, ...(payload === undefined ? {} : { body: payload }) });
  }
  return out;
}
