import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { DeclarationError, restInterface, route } from '../support/internals.ts';
import { expectProblem } from './support/expect-problem.ts';
import { productPayload as product, startServer, type TestServer } from './support/server.ts';
import { INTERFACES, ListLowStock, Ping } from './support/store.ts';

// A strict interface beside the lenient default ones: the per-interface setting wins over the app's.
const StrictApi = restInterface(null, {
  prefix: '/strict',
  unknownQuery: 'reject',
  routes: [route.get('/ping', Ping), route.get('/lenient', Ping, { unknownQuery: 'ignore' })],
});

/** Issue 18 point 6 and docs/decisions/0018-unknown-query-parameters.md, through a real listening server. */
describe.each(DIALECTS)('unknown query parameters on %s', (dialect) => {
  let lenient: TestServer;
  let strict: TestServer;
  beforeAll(async () => {
    lenient = await startServer(dialect, { interfaces: [...INTERFACES, StrictApi] });
    strict = await startServer(dialect, { unknownQuery: 'reject' });
    for (const s of [lenient, strict]) {
      await s.req('POST', '/products', { json: product('UQ-1', { category: 'books', stock: 1 }) });
      await s.req('POST', '/products', { json: product('UQ-2', { category: 'games', stock: 9 }) });
    }
  });
  afterAll(async () => {
    await lenient?.close();
    await strict?.close();
  });

  it('default (ignore): cache-busters and tracking parameters pass on list and non-list routes', async () => {
    const list = await lenient.req('GET', '/products?category=books&_=1733400000&utm_source=mail&fbclid=x');
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { sku: string }) => p.sku)).toEqual(['UQ-1']);
    expect((await lenient.req('GET', '/ping?_=1&utm_campaign=spring')).status).toBe(200);
  });

  it('a misspelled filter is a 400 naming it under either setting, never an unfiltered list', async () => {
    for (const s of [lenient, strict]) {
      const near = expectProblem(await s.req('GET', '/products?categroy=books'), 400, 'LOOM_INVALID_QUERY');
      expect(near.parameter).toBe('categroy');
      expect(near.detail).toContain('did you mean "category"');
      // Anything in the filter grammar (`__`) is a filter: an unknown field or operator is a 400.
      for (const key of ['colour__eq', 'stock__between', 'owner__name']) {
        const body = expectProblem(await s.req('GET', `/products?${key}=1`), 400, 'LOOM_INVALID_QUERY');
        expect(body.parameter).toBe(key);
      }
      // On a list route a bare key is an eq filter: a field the model lacks is a 400, not every row.
      expect(
        expectProblem(await s.req('GET', '/products?colour=red'), 400, 'LOOM_INVALID_QUERY').parameter,
      ).toBe('colour');
      // A near miss of a list keyword is not silently dropped either.
      expect(expectProblem(await s.req('GET', '/products?limt=1'), 400, 'LOOM_INVALID_QUERY').parameter).toBe(
        'limt',
      );
    }
  });

  it('a near miss of a declared param is a 400 with the suggestion on non-list routes', async () => {
    const body = expectProblem(
      await lenient.req('GET', '/products/low-stock?treshold=3&threshold=3'),
      400,
      'LOOM_BAD_REQUEST',
    );
    expect(body.parameter).toBe('treshold');
    expect(body.detail).toContain('did you mean "threshold"');
    expect(expectProblem(await lenient.req('GET', '/ping?profil=x'), 400, 'LOOM_BAD_REQUEST').parameter).toBe(
      'profil',
    );
  });

  it('params not in the path come from the query in camelCase or snake_case', async () => {
    expect(ListLowStock.decl.params).toHaveProperty('threshold');
    const res = await lenient.req('GET', '/products/low-stock?threshold=5&_=1');
    expect(res.status).toBe(200);
    expect(res.body.map((p: { sku: string }) => p.sku)).toEqual(['UQ-1']);
  });

  it('reject (app-level setting): any unknown parameter is a 400 naming it', async () => {
    expect(expectProblem(await strict.req('GET', '/ping?_=1'), 400, 'LOOM_BAD_REQUEST').parameter).toBe('_');
    const list = expectProblem(await strict.req('GET', '/products?utm_source=x'), 400, 'LOOM_INVALID_QUERY');
    expect(list.parameter).toBe('utm_source');
  });

  it('the interface and the route override the app setting', async () => {
    expect(
      expectProblem(await lenient.req('GET', '/strict/ping?_=1'), 400, 'LOOM_BAD_REQUEST').parameter,
    ).toBe('_');
    expect((await lenient.req('GET', '/strict/lenient?_=1')).status).toBe(200);
  });
});

describe('unknownQuery declarations', () => {
  it('a value other than reject or ignore fails at declaration', () => {
    expect(() =>
      restInterface(null, {
        prefix: '/x',
        unknownQuery: 'lenient' as 'ignore',
        routes: [route.get('/ping', Ping)],
      }),
    ).toThrow(DeclarationError);
  });
});
