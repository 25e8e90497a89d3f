import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/dialects.ts';
import { expectProblem } from './support/expect-problem.ts';
import { productPayload as product, startServer, type TestServer } from './support/server.ts';

/** DESIGN.md §6, one block per row, with good and bad inputs, through a real listening server. */
describe.each(DIALECTS)('wire contract (DESIGN §6) on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer(dialect);
  });
  afterAll(() => s.close());

  describe('JSON keys', () => {
    it('responds in camelCase and accepts camelCase and snake_case body keys', async () => {
      const created = await s.req('POST', '/users', {
        json: { full_name: 'Snake Case', email: 'snake@x.io' },
      });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body)).toEqual([
        'id',
        'fullName',
        'email',
        'nickname',
        'zipCode',
        'createdAt',
        'updatedAt',
      ]);
      expect(created.body.fullName).toBe('Snake Case');
      const mixed = await s.req('PATCH', `/users/${created.body.id}`, {
        json: { fullName: 'Camel', zip_code: '28001' },
      });
      expect(mixed.body).toMatchObject({ fullName: 'Camel', zipCode: '28001' });
    });

    it('ignores unknown body keys and never writes them, not even managed or key columns', async () => {
      const res = await s.req('POST', '/products', {
        json: { ...product('IGN-1'), id: 9999, createdAt: '1999-01-01T00:00:00Z', colour: 'red' },
      });
      expect(res.status).toBe(201);
      expect(res.body.id).not.toBe(9999);
      expect(res.body).not.toHaveProperty('colour');
      const again = await s.req('GET', `/products/${res.body.id}`);
      expect(again.body).not.toHaveProperty('colour');
      const patched = await s.req('PATCH', `/products/${res.body.id}`, {
        json: { id: 1234, stock: 4, colour: 'blue' },
      });
      expect(patched.body).toMatchObject({ id: res.body.id, stock: 4 });
      expect((await s.req('GET', '/products/1234')).status).toBe(404);
    });
  });

  describe('paths', () => {
    it('serves /users and /users/ as the same route, for reads and writes', async () => {
      const a = await s.req('GET', '/users?limit=1');
      const b = await s.req('GET', '/users/?limit=1');
      expect(a.status).toBe(200);
      expect(b.body).toEqual(a.body);
      const created = await s.req('POST', '/users/', { json: { fullName: 'Slash', email: 'slash@x.io' } });
      expect(created.status).toBe(201);
      expect((await s.req('GET', `/users/${created.body.id}/`)).body.email).toBe('slash@x.io');
    });

    it('answers an unknown path with a 404 problem', async () => {
      const body = expectProblem(await s.req('GET', '/nowhere/at/all'), 404, 'LOOM_ROUTE_NOT_FOUND');
      expect(body.instance).toBe('/nowhere/at/all');
    });
  });

  describe('statuses', () => {
    it('create 201, a route-declared 202, reads and updates 200', async () => {
      const created = await s.req('POST', '/products', { json: product('ST-1') });
      expect(created.status).toBe(201);
      const restocked = await s.req('POST', `/products/${created.body.id}/restock`, {
        json: { quantity: 2 },
      });
      expect(restocked.status).toBe(202);
      expect(restocked.body).toEqual({
        id: created.body.id,
        stock: 5,
        restockedAt: '2026-01-02T03:04:05.000Z',
        extra: 'kept',
      });
      expect((await s.req('GET', `/products/${created.body.id}`)).status).toBe(200);
      expect((await s.req('PATCH', `/products/${created.body.id}`, { json: { stock: 1 } })).status).toBe(200);
    });

    it('DELETE → 200 true; deleting or reading a missing row → 404 naming entity and id', async () => {
      const created = await s.req('POST', '/products', { json: product('DEL-1') });
      const deleted = await s.req('DELETE', `/products/${created.body.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.text).toBe('true');
      const again = expectProblem(
        await s.req('DELETE', `/products/${created.body.id}`),
        404,
        'LOOM_NOT_FOUND',
      );
      expect(again).toMatchObject({ entity: 'Product', id: created.body.id });
      expectProblem(await s.req('GET', `/products/${created.body.id}`), 404, 'LOOM_NOT_FOUND');
    });
  });

  describe('errors', () => {
    it('rule failures → 422 with violations [{ field, message }]', async () => {
      const body = expectProblem(
        await s.req('POST', '/users', { json: { fullName: '  ', email: 'nope' } }),
        422,
        'LOOM_RULE_VIOLATIONS',
      );
      expect(body.violations).toEqual([
        { field: 'fullName', message: 'must not be blank' },
        { field: 'email', message: 'invalid email' },
      ]);
    });

    it('body validation → 422 with every error and its field path', async () => {
      const body = expectProblem(
        await s.req('POST', '/products', { json: { name: 5, price: 'cheap', sku: 'x'.repeat(40) } }),
        422,
        'LOOM_VALIDATION',
      );
      const paths = body.errors.map((e: { path: string }) => e.path).sort();
      expect(paths).toEqual(['name', 'price', 'sku', 'stock']);
    });

    it('not found → 404 with entity and id; malformed JSON → 400; conflicts → 409', async () => {
      expect(expectProblem(await s.req('GET', '/users/424242'), 404, 'LOOM_NOT_FOUND')).toMatchObject({
        entity: 'User',
        id: 424242,
      });
      expectProblem(
        await s.req('POST', '/products', {
          body: '{"name": ',
          headers: { 'content-type': 'application/json' },
        }),
        400,
        'LOOM_MALFORMED_BODY',
      );
      await s.req('POST', '/products', { json: product('DUP-1') });
      const conflict = expectProblem(
        await s.req('POST', '/products', { json: product('DUP-1') }),
        409,
        'LOOM_CONFLICT',
      );
      expect(conflict.kind).toBe('unique');
    });

    it('unexpected errors → 500 with a generic detail and no internals', async () => {
      const res = await s.req('POST', '/errors/boom');
      const body = expectProblem(res, 500, 'LOOM_INTERNAL');
      expect(body.detail).toBe('An unexpected error occurred.');
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('stack');
    });
  });

  describe('tracing', () => {
    it('echoes x-request-id, generates one when absent, and carries it as traceId', async () => {
      const sent = await s.req('GET', '/probe', { headers: { 'x-request-id': 'trace-abc-1' } });
      expect(sent.headers.get('x-request-id')).toBe('trace-abc-1');
      expect(sent.body.traceId).toBe('trace-abc-1');
      const generated = await s.req('GET', '/users/987654');
      const id = generated.headers.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      expect(generated.body.traceId).toBe(id);
      const unsafe = await s.req('GET', '/ping', { headers: { 'x-request-id': 'has space<script>' } });
      expect(unsafe.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/);
      for (const path of ['/openapi.json', '/docs', '/docs/static/swagger-initializer.js', '/nowhere']) {
        expect(
          (await s.req('GET', path, { headers: { 'x-request-id': `t-${path}` } })).headers.get(
            'x-request-id',
          ),
        ).toBe(`t-${path}`);
      }
    });
  });

  describe('docs', () => {
    it('serves OpenAPI 3.1 at /openapi.json and Swagger UI at /docs', async () => {
      const doc = await s.req('GET', '/openapi.json');
      expect(doc.status).toBe(200);
      expect(doc.body.openapi).toBe('3.1.0');
      const ui = await s.req('GET', '/docs');
      expect(ui.status).toBe(200);
      expect(ui.headers.get('content-type')).toMatch(/^text\/html/);
      expect(ui.text).toContain('swagger-ui');
    });
  });
});
