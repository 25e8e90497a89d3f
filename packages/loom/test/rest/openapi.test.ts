import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildOpenApiDocument,
  compileRoutes,
  restInterface,
  route,
  routesWithoutResponse,
} from '../support/internals.ts';
import { startServer, type TestServer } from './support/server.ts';
import { CallProbe, INTERFACES, Ping } from './support/store.ts';

type Doc = TestServer['app']['openapi'];
type Json = Record<string, unknown> & {
  // biome-ignore lint/suspicious/noExplicitAny: walking an OpenAPI document.
  [key: string]: any;
};

describe('OpenAPI document', () => {
  let s: TestServer;
  let doc: Doc;
  beforeAll(async () => {
    s = await startServer('sqlite');
    doc = (await s.req('GET', '/openapi.json')).body;
  });
  afterAll(() => s.close());

  const op = (path: string, method: string): Json => (doc.paths[path] as Json)[method];
  const param = (path: string, method: string, name: string) =>
    op(path, method).parameters.find((p: { name: string }) => p.name === name);

  it('validates against OpenAPI 3.1', async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'Store', version: '1.0.0' });
  });

  it('stays stable (snapshot)', async () => {
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/openapi.snapshot.json',
    );
    const again = buildOpenApiDocument(
      { title: 'Store', version: '1.0.0' },
      compileRoutes(s.kernel, INTERFACES),
    );
    expect(JSON.parse(JSON.stringify(again))).toEqual(doc);
  });

  it('lists the routes without a response schema: custom non-list routes that declare none', () => {
    const undocumented = routesWithoutResponse(compileRoutes(s.kernel, INTERFACES));
    expect(undocumented).toContain('GET /ping (ping)');
    expect(undocumented).toContain('POST /probe (callProbe)');
    // A custom list route gets its page envelope derived; a declared response or 'json' opts out.
    expect(undocumented.some((r) => r.startsWith('GET /users/{userId}/addresses'))).toBe(false);
    const declared = restInterface(null, {
      prefix: '/',
      routes: [route.get('/ping', Ping, { response: 'json' }), route.post('/probe', CallProbe)],
    });
    expect(routesWithoutResponse(compileRoutes(s.kernel, [declared]))).toEqual(['POST /probe (callProbe)']);
    expect(
      (op('/users/{userId}/addresses', 'get').responses as Json)['200'].content['application/json'].schema,
    ).toEqual({
      anyOf: [
        { $ref: '#/components/schemas/AddressPage' },
        { $ref: '#/components/schemas/AddressCursorPage' },
      ],
    });
  });

  it('has one operation per route, with the use case name as operationId, tags and summary', () => {
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).map((o) => (o as Json).operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(op('/users', 'post')).toMatchObject({
      operationId: 'createUser',
      tags: ['Users'],
      summary: 'Register a user',
    });
    expect(op('/users/{id}', 'get')).toMatchObject({ operationId: 'getUser', summary: 'Get a User by id' });
    expect(op('/products/low-stock', 'get').summary).toBe('List low stock products');
    expect(op('/probe', 'post').operationId).toBe('callProbe_2');
  });

  it('names components after models and commands', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'User',
        'CreateUser',
        'UpdateUser',
        'UserPage',
        'UserCursorPage',
        'Problem',
        'Product',
        'ProductPage',
      ]),
    );
    expect(op('/users', 'post').requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/CreateUser',
    });
    expect(op('/users/{id}', 'patch').requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/UpdateUser',
    });
    expect(op('/users/{id}', 'get').responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/User',
    });
    expect(op('/products/{id}/restock', 'post').responses['202'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/RestockResult',
    });
    expect(op('/users/{id}/card', 'get').responses['200'].content['application/json'].schema).toEqual({
      anyOf: [{ $ref: '#/components/schemas/User' }, { $ref: '#/components/schemas/UserWithDetails' }],
    });
    expect(Object.keys((doc.components.schemas.UserWithDetails as Json).properties)).toEqual(
      expect.arrayContaining(['addresses', 'addressCount']),
    );
    const user = doc.components.schemas.User as Json;
    expect(Object.keys(user.properties)).toEqual([
      'id',
      'fullName',
      'email',
      'nickname',
      'zipCode',
      'createdAt',
      'updatedAt',
    ]);
    expect(user.properties.createdAt).toEqual({ type: 'string', format: 'date-time' });
  });

  it('documents envelopes per pagination policy', () => {
    const schema = (path: string) => op(path, 'get').responses['200'].content['application/json'].schema;
    expect(schema('/users')).toEqual({
      anyOf: [{ $ref: '#/components/schemas/UserPage' }, { $ref: '#/components/schemas/UserCursorPage' }],
    });
    expect(schema('/products')).toEqual({
      anyOf: [
        { $ref: '#/components/schemas/ProductCursorPage' },
        { $ref: '#/components/schemas/ProductPage' },
      ],
    });
    expect(schema('/products/offset-only')).toEqual({ $ref: '#/components/schemas/ProductPage' });
    expect((doc.components.schemas.UserCursorPage as Json).required).toEqual([
      'items',
      'nextCursor',
      'hasNext',
    ]);
  });

  it('documents path params, query params and every filter by field and operator', () => {
    expect(param('/users/{id}', 'get', 'id')).toEqual({
      name: 'id',
      in: 'path',
      required: true,
      // The column's range travels with the schema (an int column is 32 bits).
      schema: { type: 'integer', minimum: -2147483648, maximum: 2147483647 },
    });
    expect(param('/products/low-stock', 'get', 'threshold')).toMatchObject({ in: 'query', required: true });
    // One `filter` object parameter whose entries are the query parameters, described by the grammar.
    const filter = param('/products', 'get', 'filter');
    expect(filter).toMatchObject({
      in: 'query',
      required: false,
      style: 'form',
      explode: true,
      schema: { type: 'object' },
      example: {},
    });
    expect(filter.description).toContain('| `price` | number | eq, ne, gt, gte, lt, lte, in |');
    expect(filter.description).toContain('{ "name__ilike": "%a%" }');
    expect(filter.description).toMatch(/\| `category` \| .* \| .*is_null \|/);
    expect(filter.description).not.toContain('`notes`');
    expect(param('/products', 'get', 'price__gte')).toBeUndefined();
    // A cursor-first list documents `page` without a default: a form sending defaults stays in cursor mode.
    expect(param('/products', 'get', 'page').schema).toEqual({ type: 'integer', minimum: 1 });
    expect(param('/users', 'get', 'page').schema).toEqual({ type: 'integer', minimum: 1, default: 1 });
    expect(param('/products', 'get', 'limit').schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 1000,
      default: 50,
    });
    expect(param('/products', 'get', 'pagination').schema).toMatchObject({
      enum: ['offset', 'cursor'],
      default: 'cursor',
    });
    expect(param('/products/offset-only', 'get', 'pagination')).toBeUndefined();
    expect(param('/products/offset-only', 'get', 'after')).toBeUndefined();
    expect(param('/users/{id}/card', 'get', 'profile').schema).toEqual({
      type: 'string',
      enum: ['default', 'withDetails'],
      default: 'default',
    });
    expect(param('/users', 'get', 'filter').description).toContain(
      '- `addresses` (Address), e.g. `addresses__id__in=1,2`',
    );
    expect(param('/users/{id}', 'get', 'profile')).toBeUndefined();
  });

  it('documents error responses as problem documents', () => {
    expect(Object.keys(op('/users', 'post').responses)).toEqual([
      '201',
      '400',
      '404',
      '409',
      '413',
      '415',
      '422',
      '500',
    ]);
    expect(Object.keys(op('/users/{id}', 'get').responses)).toEqual(['200', '400', '404', '500']);
    expect(op('/users/{id}', 'get').responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(doc.components.responses.NotFound).toMatchObject({
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
  });

  it('serves Swagger UI at /docs over the same document', async () => {
    const html = await s.req('GET', '/docs');
    expect(html.status).toBe(200);
    // Branded for the app: its title, and BaseLayout (no top bar with the plugin's logo and URL box).
    expect(html.text).toContain('<title>Store — API</title>');
    const initializer = (await s.req('GET', '/docs/static/swagger-initializer.js')).text;
    expect(initializer).toContain('./json');
    expect(initializer).toContain('"layout":"BaseLayout"');
    expect((await s.req('GET', '/docs/json')).body).toEqual(doc);
    expect((await s.req('GET', '/docs/yaml')).text).toContain('operationId: createUser');
  });

  it('can be switched off', async () => {
    const bare = await startServer('sqlite', { docsPath: false, openapiPath: false });
    try {
      expect((await bare.req('GET', '/openapi.json')).status).toBe(404);
      expect((await bare.req('GET', '/docs')).status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
