import { describe, expect, it } from 'vitest';
import { expectProblem } from '../support/problem.ts';
import type { Suite } from '../support/suite-context.ts';
import { TRACE_ID } from '../support/wire.ts';

interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Readonly<
    Record<string, Readonly<Record<string, { parameters?: readonly { name: string; in: string }[] }>>>
  >;
}

/** Every store route, as `METHOD path` in OpenAPI spelling. */
export const STORE_OPERATIONS = [
  'POST /users',
  'GET /users',
  'GET /users/{userId}',
  'PATCH /users/{userId}',
  'DELETE /users/{userId}',
  'POST /users/{userId}/addresses',
  'GET /users/{userId}/addresses',
  'GET /users/{userId}/addresses/{addressId}',
  'PATCH /users/{userId}/addresses/{addressId}',
  'DELETE /users/{userId}/addresses/{addressId}',
  'GET /products/low-stock',
  'POST /products/{productId}/jobs/restock-email',
  'GET /products/{productId}/jobs/summary',
  'POST /products/{productId}/workflows/restock',
  'POST /products/jobs/sync-erp',
  'PUT /products/{productId}/tags',
  'POST /products/{productId}/tags',
  'DELETE /products/{productId}/tags/{tagId}',
  'POST /tags',
  'GET /tags',
  'GET /tags/{id}',
  'DELETE /tags/{id}',
  'POST /products',
  'GET /products',
  'GET /products/{id}',
  'PATCH /products/{id}',
  'DELETE /products/{id}',
  'POST /orders',
  'GET /orders',
  'GET /orders/{id}',
  'PATCH /orders/{id}',
  'DELETE /orders/{id}',
  'GET /users/{userId}/orders',
  'POST /order-items',
  'GET /order-items',
  'GET /order-items/{id}',
  'PATCH /order-items/{id}',
  'DELETE /order-items/{id}',
  'POST /pricing/preview',
];

/** The operations of an OpenAPI document, as `METHOD path`, sorted. */
export function operationsOf(doc: OpenApiDocument): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/** Trace ids, docs, metrics and the framework-level error responses (§6 of DESIGN, §9 #53–#54). */
export function httpContractScenarios(suite: Suite): void {
  describe('HTTP contract', () => {
    it('x-request-id: generated as 32 hex and unique per request, echoed when sent, the traceId of errors', async () => {
      const [a, b] = [await suite.api.get('/users/?limit=1'), await suite.api.get('/users/?limit=1')];
      expect(a.headers.get('x-request-id')).toMatch(TRACE_ID);
      expect(b.headers.get('x-request-id')).toMatch(TRACE_ID);
      expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
      const err = await suite.api.get('/users/999999', { headers: { 'x-request-id': 'client-trace-1' } });
      expect(err.headers.get('x-request-id')).toBe('client-trace-1');
      expect(expectProblem(err, 404, 'LOOM_NOT_FOUND').traceId).toBe('client-trace-1');
    });

    it('GET /openapi.json → OpenAPI 3.1 with every store route; list routes document the query grammar (#54)', async () => {
      const res = await suite.api.get<OpenApiDocument>('/openapi.json');
      expect(res.status).toBe(200);
      expect(res.body.openapi).toMatch(/^3\.1\./);
      expect(operationsOf(res.body)).toEqual([...STORE_OPERATIONS].sort());
      for (const path of ['/users', '/products', '/orders', '/order-items', '/users/{userId}/addresses']) {
        const names = (res.body.paths[path]?.get?.parameters ?? [])
          .filter((p) => p.in === 'query')
          .map((p) => p.name);
        expect(names).toEqual(
          expect.arrayContaining(['page', 'limit', 'pagination', 'after', 'sort', 'direction']),
        );
      }
    });

    it('GET /docs serves Swagger UI', async () => {
      const res = await suite.api.get('/docs');
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/html/);
      expect(res.text.toLowerCase()).toContain('swagger');
    });

    it('GET /metrics → Prometheus text with the request and use-case metrics (#53)', async () => {
      await suite.api.get('/users/?limit=1');
      const res = await suite.api.get('/metrics');
      expect(res.status).toBe(200);
      expect(res.contentType).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^http_request_duration_seconds_count\{.*route="\/users".*\} \d+/m);
      expect(res.text).toMatch(/^loom_use_case_duration_seconds_count\{.*use_case="ListUsers".*\} \d+/m);
    });

    it('an unknown route → 404 problem; a wrong method → 405 with the allowed ones; a non-JSON body → 415', async () => {
      expectProblem(await suite.api.get('/nosuch'), 404, 'LOOM_ROUTE_NOT_FOUND');
      const res = await fetch(`${suite.api.baseUrl}/users/1`, { method: 'PUT' });
      expect(res.status).toBe(405);
      const text = await fetch(`${suite.api.baseUrl}/users/`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(text.status).toBe(415);
      expect(text.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    });

    it('a body over app.rest.bodyLimit (1 MiB) → 413 problem', async () => {
      const huge = { full_name: 'x'.repeat(1_100_000), email: 'huge@example.com' };
      const res = await suite.api.post('/users/', huge);
      expect(res.status).toBe(413);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    });
  });
}
