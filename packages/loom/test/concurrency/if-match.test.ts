import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, openTestDatabase } from '../support/dialects.ts';
import {
  autoCrud,
  createRestServer,
  Kernel,
  type RestServer,
  restInterface,
  syncSchema,
} from '../support/internals.ts';
import { Plain, Stock } from './models.ts';

const api = [
  restInterface(Stock, { prefix: '/stocks', routes: [...autoCrud(Stock)] }),
  restInterface(Plain, { prefix: '/plains', routes: [...autoCrud(Plain)] }),
];
const strict = [
  restInterface(Stock, { prefix: '/stocks', routes: [...autoCrud(Stock, { ifMatch: 'required' })] }),
];

describe.each(DIALECTS)('If-Match and ETag over HTTP on %s', (dialect) => {
  let db: Awaited<ReturnType<typeof openTestDatabase>>;
  let servers: RestServer[] = [];
  beforeEach(async () => {
    db = await openTestDatabase(dialect);
    await syncSchema(db, [Stock, Plain]);
  });
  afterEach(async () => {
    for (const s of servers) await s.close();
    servers = [];
    await db.dispose();
  });
  const start = async (interfaces: typeof api) => {
    const kernel = new Kernel({ db, cursorSecret: 'if-match-test-secret' });
    const app = createRestServer({ kernel, interfaces, title: 'T', version: '1' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(app);
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
      fetch(base + path, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
  };

  it('GET answers an ETag; of concurrent PATCHes with it exactly one is 200, the rest 412', async () => {
    const req = await start(api);
    const created = await req('POST', '/stocks/', { sku: 'A', label: 'a', quantity: 0 });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const got = await req('GET', '/stocks/1');
    const etag = got.headers.get('etag');
    expect(etag).toBe('"1"');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        req('PATCH', '/stocks/1', { quantity: i + 1 }, { 'if-match': etag! }),
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(412)]);
    const winner = answers.find((r) => r.status === 200)!;
    expect(winner.headers.get('etag')).toBe('"2"');
    const loser = answers.find((r) => r.status === 412)!;
    expect(loser.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await loser.json()).toMatchObject({
      status: 412,
      code: 'LOOM_PRECONDITION_FAILED',
      entity: 'Stock',
    });
    expect(((await (await req('GET', '/stocks/1')).json()) as { version: number }).version).toBe(2);
  });

  it('a plain PATCH still works; DELETE honours If-Match; foreign tags and unversioned models are 412', async () => {
    const req = await start(api);
    await req('POST', '/stocks/', { sku: 'B', label: 'b', quantity: 0 });
    const plain = await req('PATCH', '/stocks/1', { label: 'b2' });
    expect(plain.status).toBe(200);
    expect(((await plain.json()) as { version: number }).version).toBe(2);
    expect((await req('PATCH', '/stocks/1', { label: 'b3' }, { 'if-match': 'W/"2"' })).status).toBe(200);
    expect((await req('PATCH', '/stocks/1', { label: 'b4' }, { 'if-match': '"abc"' })).status).toBe(412);
    expect((await req('PATCH', '/stocks/1', { label: 'b5' }, { 'if-match': '*' })).status).toBe(200);
    expect((await req('DELETE', '/stocks/1', undefined, { 'if-match': '"1"' })).status).toBe(412);
    expect((await req('DELETE', '/stocks/1', undefined, { 'if-match': '"4"' })).status).toBe(200);
    await req('POST', '/plains/', { label: 'p', quantity: 1 });
    expect((await req('GET', '/plains/1')).headers.get('etag')).toBeNull();
    expect((await req('PATCH', '/plains/1', { label: 'q' }, { 'if-match': '"1"' })).status).toBe(412);
    expect((await req('PATCH', '/plains/1', { label: 'q' })).status).toBe(200);
  });

  it('with ifMatch required, a PATCH or DELETE without If-Match is a 428', async () => {
    const req = await start(strict);
    await req('POST', '/stocks/', { sku: 'C', label: 'c', quantity: 0 });
    const missing = await req('PATCH', '/stocks/1', { label: 'c2' });
    expect(missing.status).toBe(428);
    expect(await missing.json()).toMatchObject({ code: 'LOOM_PRECONDITION_REQUIRED' });
    expect((await req('DELETE', '/stocks/1')).status).toBe(428);
    expect((await req('PATCH', '/stocks/1', { label: 'c2' }, { 'if-match': '"1"' })).status).toBe(200);
  });
});

describe('OpenAPI of conditional routes', () => {
  it('documents If-Match, ETag, 412 and 428', async () => {
    const { buildOpenApiDocument, compileRoutes } = await import('../../src/rest/index.ts');
    const db = await openTestDatabase('sqlite');
    const kernel = new Kernel({ db, cursorSecret: 'if-match-test-secret' });
    const doc = buildOpenApiDocument({ title: 'T', version: '1' }, compileRoutes(kernel, strict));
    const patch = doc.paths['/stocks/{id}']?.patch as {
      parameters: { name: string; in: string; required: boolean }[];
      responses: Record<string, { headers?: Record<string, unknown> }>;
    };
    expect(patch.parameters).toContainEqual(
      expect.objectContaining({ name: 'If-Match', in: 'header', required: true }),
    );
    expect(Object.keys(patch.parameters.map((p) => p.name))).not.toContain('expectedVersion');
    expect(patch.parameters.map((p) => p.name)).toEqual(['id', 'If-Match']);
    expect(Object.keys(patch.responses)).toEqual(expect.arrayContaining(['200', '412', '428']));
    expect(patch.responses['200']?.headers).toHaveProperty('ETag');
    expect(doc.components.responses).toHaveProperty('PreconditionRequired');
    await db.dispose();
  });
});
